package io.capstan.server.admission;

import io.capstan.scheduler.Scheduler;
import io.capstan.scheduler.placement.BestFitPlacer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wiring of the scheduler that admits jobs: quotas, gang admission, fair share, preemption, the
 * same code the trace simulator replays.
 */
@Configuration(proxyBeanMethods = false)
class AdmissionConfiguration {
  @Bean
  Scheduler scheduler(SchedulerProperties properties) {
    return new Scheduler(properties.config(new BestFitPlacer()));
  }
}
