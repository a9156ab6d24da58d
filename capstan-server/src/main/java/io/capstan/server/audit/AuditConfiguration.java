package io.capstan.server.audit;

import io.capstan.server.control.Leadership;
import java.time.Clock;
import java.util.List;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

/** Wiring of the audit log: store, recorder, the filter before authentication, the janitor. */
@Configuration(proxyBeanMethods = false)
class AuditConfiguration implements WebMvcConfigurer {
  /** Before the bearer filter (which keeps the default, lowest order), to see its refusals. */
  static final int FILTER_ORDER = 0;

  @Bean
  AuditStore auditStore(JdbcClient jdbc) {
    return new AuditStore(jdbc);
  }

  @Bean
  Summaries auditSummaries(JsonMapper json) {
    return new Summaries(json);
  }

  @Bean
  AuditRecorder auditRecorder(AuditStore store, Summaries summaries, Clock clock) {
    return new AuditRecorder(store, summaries, clock);
  }

  @Bean
  FilterRegistrationBean<AuditFilter> auditFilter(AuditRecorder recorder) {
    FilterRegistrationBean<AuditFilter> registration =
        new FilterRegistrationBean<>(new AuditFilter(recorder));
    registration.addUrlPatterns("/api/*");
    registration.setName("auditFilter");
    registration.setOrder(FILTER_ORDER);
    return registration;
  }

  @Bean
  AuditJanitor auditJanitor(
      AuditStore store, AuditConfig config, Clock clock, Leadership leadership) {
    return new AuditJanitor(store, config, clock, leadership);
  }

  @Override
  public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
    resolvers.add(new AuditNoteResolver());
  }

  @Override
  public void extendHandlerExceptionResolvers(List<HandlerExceptionResolver> resolvers) {
    resolvers.add(0, new AuditErrors());
  }
}
