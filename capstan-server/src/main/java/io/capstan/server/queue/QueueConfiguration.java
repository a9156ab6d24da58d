package io.capstan.server.queue;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Wiring of queues and quotas. */
@Configuration(proxyBeanMethods = false)
class QueueConfiguration {
  @Bean
  QuotaStore quotaStore(JdbcClient jdbc, Clock clock) {
    return new QuotaStore(jdbc, clock);
  }
}
