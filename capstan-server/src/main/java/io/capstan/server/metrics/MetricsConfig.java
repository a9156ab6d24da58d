package io.capstan.server.metrics;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The training metrics' settings ({@code capstan.metrics.*}).
 *
 * @param retention how long the points of a finished job's series are kept (default 90 days, at
 *     least 1 hour); the latest value of every series stays as long as the job
 */
@ConfigurationProperties(prefix = "capstan.metrics")
public record MetricsConfig(Duration retention) {
  static final Duration DEFAULT_RETENTION = Duration.ofDays(90);
  static final Duration MIN_RETENTION = Duration.ofHours(1);

  public MetricsConfig {
    retention = retention == null ? DEFAULT_RETENTION : retention;
    if (retention.compareTo(MIN_RETENTION) < 0) {
      throw new IllegalArgumentException(
          "Expected capstan.metrics.retention to be at least 1h, but was " + retention);
    }
  }
}
