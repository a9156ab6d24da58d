package io.capstan.server.monitoring;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.server.identity.Authenticator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /metrics} in Prometheus' text format, for the monitoring token ({@code
 * CAPSTAN_METRICS_TOKEN}) or an installation admin: the metrics name every project, so no project
 * member may read them.
 */
@RestController
class MetricsController {
  static final MediaType PROMETHEUS_TEXT =
      MediaType.parseMediaType("text/plain; version=0.0.4; charset=utf-8");

  private final PrometheusMeterRegistry registry;
  private final ClusterGauges cluster;
  private final ServingGauges serving;
  private final Authenticator authenticator;
  private final byte[] monitoringToken;

  MetricsController(
      PrometheusMeterRegistry registry,
      ClusterGauges cluster,
      ServingGauges serving,
      Authenticator authenticator,
      MonitoringProperties properties) {
    this.registry = requireNonNull(registry, "registry is null");
    this.cluster = requireNonNull(cluster, "cluster is null");
    this.serving = requireNonNull(serving, "serving is null");
    this.authenticator = requireNonNull(authenticator, "authenticator is null");
    this.monitoringToken =
        properties.token() == null
            ? null
            : ("Bearer " + properties.token()).getBytes(StandardCharsets.UTF_8);
  }

  @GetMapping("/metrics")
  ResponseEntity<String> metrics(
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
    requireMonitor(authorization);
    synchronized (this) {
      cluster.refresh();
      serving.refresh();
    }
    return ResponseEntity.ok().contentType(PROMETHEUS_TEXT).body(registry.scrape());
  }

  private void requireMonitor(String authorization) {
    if (monitoringToken != null
        && authorization != null
        && MessageDigest.isEqual(
            monitoringToken, authorization.strip().getBytes(StandardCharsets.UTF_8))) {
      return;
    }
    if (!authenticator.authenticate(authorization).admin()) {
      throw new CapstanException(
          ErrorCode.PERMISSION_DENIED,
          "Expected the monitoring token (CAPSTAN_METRICS_TOKEN) or an installation admin's"
              + " token to read /metrics, but the caller is neither");
    }
  }
}
