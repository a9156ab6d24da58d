package io.capstan.server.admission;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wiring of admission; the scheduler replaces {@link FifoGangAdmission} here. */
@Configuration(proxyBeanMethods = false)
class AdmissionConfiguration {
  @Bean
  Admission admission() {
    return new FifoGangAdmission();
  }
}
