package io.capstan.server.monitoring;

import io.capstan.runtime.WorkloadRuntime;
import io.capstan.server.job.AdmissionEvents;
import io.capstan.server.job.JobStore;
import io.capstan.server.serving.RequestStats;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Wiring of the control plane's metrics. */
@Configuration(proxyBeanMethods = false)
class MonitoringConfiguration {
  @Bean
  PrometheusMeterRegistry prometheusMeterRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  @Bean
  MonitoringProperties monitoringProperties(
      @Value("${capstan.monitoring.token:${CAPSTAN_METRICS_TOKEN:}}") String token) {
    return new MonitoringProperties(token);
  }

  @Bean
  AdmissionEvents schedulingCounters(PrometheusMeterRegistry registry) {
    return new SchedulingCounters(registry);
  }

  @Bean
  ClusterGauges clusterGauges(
      PrometheusMeterRegistry registry,
      JdbcClient jdbc,
      JobStore jobs,
      WorkloadRuntime runtime,
      Clock clock) {
    return new ClusterGauges(registry, jdbc, jobs, runtime, clock);
  }

  @Bean
  ServingGauges servingGauges(PrometheusMeterRegistry registry, RequestStats stats) {
    return new ServingGauges(registry, stats);
  }

  @Bean
  FilterRegistrationBean<HttpServerMetrics> httpServerMetrics(PrometheusMeterRegistry registry) {
    FilterRegistrationBean<HttpServerMetrics> registration =
        new FilterRegistrationBean<>(new HttpServerMetrics(registry));
    registration.addUrlPatterns("/api/*");
    registration.setName("httpServerMetrics");
    // First, so the time includes authentication and the status is the one the client got.
    registration.setOrder(Integer.MIN_VALUE + 10);
    return registration;
  }
}
