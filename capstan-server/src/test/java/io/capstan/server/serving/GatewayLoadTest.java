package io.capstan.server.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.gateway.GatewayReport;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** In-flight counts as the gateway reports them; an old report counts as none. */
class GatewayLoadTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final GatewayLoad load = new GatewayLoad(now::get);

  @Test
  void theLastReportCountsUntilItIsStale() {
    assertThat(load.inFlight("job-a")).isZero();
    load.report(
        new GatewayReport(
            "e-1",
            List.of(
                new GatewayReport.BackendLoad("job-a", 3),
                new GatewayReport.BackendLoad("job-b", 1)),
            List.of()));
    assertThat(load.inFlight("job-a")).isEqualTo(3);

    load.report(
        new GatewayReport("e-1", List.of(new GatewayReport.BackendLoad("job-b", 2)), List.of()));
    assertThat(load.inFlight("job-a")).as("absent from the last report").isZero();
    assertThat(load.inFlight("job-b")).isEqualTo(2);

    now.addAndGet(GatewayLoad.STALE.toNanos() + 1);
    assertThat(load.inFlight("job-b")).isZero();
  }
}
