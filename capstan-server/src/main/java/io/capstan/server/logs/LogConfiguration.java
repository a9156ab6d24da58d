package io.capstan.server.logs;

import io.capstan.server.ServerConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wiring of the log store. */
@Configuration(proxyBeanMethods = false)
class LogConfiguration {
  @Bean
  LogStore logStore(ServerConfig config) {
    return new LogStore(config.dataDir());
  }
}
