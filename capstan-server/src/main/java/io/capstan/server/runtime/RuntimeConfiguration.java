package io.capstan.server.runtime;

import io.capstan.runtime.RuntimeContext;
import io.capstan.runtime.RuntimeSettings;
import io.capstan.runtime.WorkloadRuntime;
import io.capstan.runtime.WorkloadRuntimeProvider;
import io.capstan.server.ServerConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The workload runtime: the provider of {@code capstan.runtime.kind} (decision 68) builds it from
 * its own settings, {@code capstan.runtime.<kind>.*}; see {@code docs/operations.md}.
 */
@Configuration(proxyBeanMethods = false)
class RuntimeConfiguration {
  @Bean(destroyMethod = "close")
  WorkloadRuntime workloadRuntime(
      ServerConfig server, RuntimeProperties runtime, Environment environment) {
    WorkloadRuntimeProvider provider =
        RuntimeProviders.load(RuntimeConfiguration.class.getClassLoader()).provider(runtime.kind());
    RuntimeSettings settings =
        RuntimeSettings.of("capstan.runtime." + provider.kind() + ".", environment::getProperty);
    return provider.create(
        new RuntimeContext(server.dataDir(), server.home(), server.trustAllJobs(), settings));
  }
}
