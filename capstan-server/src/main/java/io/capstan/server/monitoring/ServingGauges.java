package io.capstan.server.monitoring;

import io.capstan.server.serving.RequestStats;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The serving gateway's counts per service version, as it reported them to this control plane:
 * requests, errors, and the median and 99th percentile latency of the last requests. The counts are
 * since this control plane started (Prometheus reads a drop as a restart of the counter).
 */
final class ServingGauges {
  private final RequestStats stats;
  private final MultiGauge requests;
  private final MultiGauge errors;
  private final MultiGauge p50;
  private final MultiGauge p99;

  ServingGauges(MeterRegistry registry, RequestStats stats) {
    this.stats = stats;
    this.requests =
        MultiGauge.builder("capstan.serving.gateway.requests")
            .description("Inference requests through the gateway per service version")
            .register(registry);
    this.errors =
        MultiGauge.builder("capstan.serving.gateway.errors")
            .description("Inference requests that did not get a successful answer")
            .register(registry);
    this.p50 =
        MultiGauge.builder("capstan.serving.gateway.latency.p50")
            .description("Median latency of the version's last requests through the gateway")
            .baseUnit("seconds")
            .register(registry);
    this.p99 =
        MultiGauge.builder("capstan.serving.gateway.latency.p99")
            .description("99th percentile latency of the version's last requests")
            .baseUnit("seconds")
            .register(registry);
  }

  void refresh() {
    List<RequestStats.VersionSnapshot> all = stats.all();
    requests.register(rows(all, s -> (double) s.requests()), true);
    errors.register(rows(all, s -> (double) s.errors()), true);
    p50.register(rows(all, s -> s.p50Millis() == null ? null : s.p50Millis() / 1000), true);
    p99.register(rows(all, s -> s.p99Millis() == null ? null : s.p99Millis() / 1000), true);
  }

  private static List<MultiGauge.Row<?>> rows(
      List<RequestStats.VersionSnapshot> all, Function<RequestStats.Snapshot, Double> value) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (RequestStats.VersionSnapshot version : all) {
      Double v = value.apply(version.snapshot());
      if (v != null) {
        rows.add(
            MultiGauge.Row.of(
                Tags.of(
                    "project",
                    version.project(),
                    "service",
                    version.service(),
                    "version",
                    Integer.toString(version.version())),
                v));
      }
    }
    return rows;
  }
}
