package io.capstan.server.serving;

import io.capstan.api.gateway.GatewayReport;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Requests in flight per replica job, as the gateway last reported them (every second). A report
 * older than {@link #STALE} counts as none: a gateway that stopped reporting sends nothing either.
 */
final class GatewayLoad {
  static final Duration STALE = Duration.ofSeconds(5);

  private final LongSupplier nanoTime;
  private volatile Map<String, Integer> byJobUid = Map.of();
  private volatile long reportedAtNanos;

  GatewayLoad(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.reportedAtNanos = nanoTime.getAsLong() - STALE.toNanos() - 1;
  }

  void report(GatewayReport report) {
    Map<String, Integer> next = new HashMap<>();
    for (GatewayReport.BackendLoad backend : report.backends()) {
      next.merge(backend.job(), backend.inFlight(), Integer::sum);
    }
    byJobUid = Map.copyOf(next);
    reportedAtNanos = nanoTime.getAsLong();
  }

  int inFlight(String jobUid) {
    if (nanoTime.getAsLong() - reportedAtNanos > STALE.toNanos()) {
      return 0;
    }
    return byJobUid.getOrDefault(jobUid, 0);
  }
}
