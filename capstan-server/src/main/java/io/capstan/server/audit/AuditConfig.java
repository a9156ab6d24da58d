package io.capstan.server.audit;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The audit log's settings ({@code capstan.audit.*}).
 *
 * @param retention how long an event is kept (default 90 days, at least 1 hour); older events are
 *     deleted by the janitor
 */
@ConfigurationProperties(prefix = "capstan.audit")
public record AuditConfig(Duration retention) {
  static final Duration DEFAULT_RETENTION = Duration.ofDays(90);
  static final Duration MIN_RETENTION = Duration.ofHours(1);

  public AuditConfig {
    retention = retention == null ? DEFAULT_RETENTION : retention;
    if (retention.compareTo(MIN_RETENTION) < 0) {
      throw new IllegalArgumentException(
          "Expected capstan.audit.retention to be at least 1h, but was " + retention);
    }
  }
}
