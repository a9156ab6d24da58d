package io.capstan.serving.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The server's Prometheus metrics, all named {@code capstan_serving_*} and labelled by model and
 * version: requests by protocol and outcome, request latency, queue time and batch sizes.
 */
public final class ServingMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ConcurrentHashMap<String, Counter> requests = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Timer> latencies = new ConcurrentHashMap<>();

  /** The metrics of one model version. */
  public final class ModelMeters {
    private final String model;
    private final String version;
    private final Timer queue;
    private final DistributionSummary batchSize;

    private ModelMeters(String model, String version) {
      this.model = model;
      this.version = version;
      this.queue =
          Timer.builder("capstan.serving.queue.duration")
              .description("Time a request waited for its batch to start")
              .tags("model", model, "version", version)
              .publishPercentileHistogram()
              .minimumExpectedValue(Duration.ofNanos(1000))
              .maximumExpectedValue(Duration.ofSeconds(10))
              .register(registry);
      this.batchSize =
          DistributionSummary.builder("capstan.serving.batch.size")
              .description("Rows per ONNX Runtime run")
              .tags("model", model, "version", version)
              .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256)
              .register(registry);
    }

    public void queued(long nanos) {
      queue.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void batch(int rows) {
      batchSize.record(rows);
    }

    /** Counts a finished request and its latency. */
    public void request(String protocol, String outcome, long nanos) {
      ServingMetrics.this.request(model, version, protocol, outcome, nanos);
    }
  }

  public ModelMeters model(String model, long version) {
    return new ModelMeters(model, Long.toString(version));
  }

  /** Counts a request; {@code model} and {@code version} are empty when they were unknown. */
  public void request(String model, String version, String protocol, String outcome, long nanos) {
    String key = model + '\0' + version + '\0' + protocol + '\0' + outcome;
    requests
        .computeIfAbsent(
            key,
            k ->
                Counter.builder("capstan.serving.requests")
                    .description("Inference requests by protocol and outcome")
                    .tags("model", model, "version", version, "protocol", protocol)
                    .tag("outcome", outcome)
                    .register(registry))
        .increment();
    latencies
        .computeIfAbsent(
            model + '\0' + version + '\0' + protocol,
            k ->
                Timer.builder("capstan.serving.request.duration")
                    .description("Inference request latency inside the server")
                    .tags("model", model, "version", version, "protocol", protocol)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(10_000))
                    .maximumExpectedValue(Duration.ofSeconds(30))
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }
}
