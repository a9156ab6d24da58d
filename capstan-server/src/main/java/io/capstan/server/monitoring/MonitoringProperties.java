package io.capstan.server.monitoring;

/**
 * Who may read {@code /metrics} ({@code capstan.monitoring.*}).
 *
 * @param token a secret that grants only the metrics, for Prometheus (from {@code
 *     CAPSTAN_METRICS_TOKEN}); without one, only installation admins' tokens are accepted
 */
record MonitoringProperties(String token) {
  public MonitoringProperties {
    token = token == null || token.isBlank() ? null : token.strip();
    if (token != null && token.length() < 16) {
      throw new IllegalArgumentException(
          "Expected capstan.monitoring.token (CAPSTAN_METRICS_TOKEN) to be at least 16"
              + " characters, but it is shorter");
    }
  }
}
