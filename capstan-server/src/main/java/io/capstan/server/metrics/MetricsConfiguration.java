package io.capstan.server.metrics;

import io.capstan.server.logs.ArchivedBytes;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Wiring of the training metrics: read from the output the log archive takes. */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {
  @Bean
  MetricsStore metricsStore(JdbcClient jdbc, TransactionTemplate tx) {
    return new MetricsStore(jdbc, tx);
  }

  @Bean
  ArchivedBytes metricsCollector(MetricsStore store, Clock clock) {
    return new MetricsCollector(store, clock);
  }
}
