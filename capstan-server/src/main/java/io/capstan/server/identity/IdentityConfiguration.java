package io.capstan.server.identity;

import io.capstan.api.ApiPaths;
import io.capstan.server.ServerConfig;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Wiring of identity: stores, access checks, the first-start bootstrap and authentication. */
@Configuration(proxyBeanMethods = false)
class IdentityConfiguration implements WebMvcConfigurer {
  @Bean
  UserStore userStore(JdbcClient jdbc, Clock clock) {
    return new UserStore(jdbc, clock);
  }

  @Bean
  Revocations revocations() {
    return new Revocations();
  }

  @Bean
  ProjectStore projectStore(
      JdbcClient jdbc, TransactionTemplate tx, Clock clock, Revocations revocations) {
    return new ProjectStore(jdbc, tx, clock, revocations);
  }

  @Bean
  TokenStore tokenStore(JdbcClient jdbc, Clock clock, Revocations revocations) {
    return new TokenStore(jdbc, clock, revocations);
  }

  @Bean
  SessionStore sessionStore(JdbcClient jdbc, Clock clock, Revocations revocations) {
    return new SessionStore(jdbc, clock, revocations);
  }

  @Bean
  Access access(ProjectStore projects) {
    return new Access(projects);
  }

  @Bean
  Bootstrap bootstrap(
      UserStore users,
      ProjectStore projects,
      TokenStore tokens,
      TransactionTemplate tx,
      ServerConfig config,
      @Value("${CAPSTAN_ADMIN_TOKEN:}") String givenToken) {
    return new Bootstrap(users, projects, tokens, tx, config.dataDir(), givenToken);
  }

  /** Runs after every singleton (and the migrations) exists, before the server takes requests. */
  @Bean
  SmartInitializingSingleton bootstrapAtStart(Bootstrap bootstrap) {
    return bootstrap::run;
  }

  @Bean
  Authenticator authenticator(TokenStore tokens, SessionStore sessions, UserStore users) {
    return new Authenticator(tokens, sessions, users);
  }

  @Bean
  FilterRegistrationBean<BearerAuthentication> bearerAuthentication(
      Authenticator authenticator,
      @Value("${springdoc.api-docs.path:/api/v1/openapi.json}") String openApiPath,
      @Qualifier("handlerExceptionResolver") ObjectProvider<HandlerExceptionResolver> errors) {
    // The resolver is looked up per failure, not at wiring time: filters are created before MVC.
    BearerAuthentication filter =
        new BearerAuthentication(
            authenticator,
            Set.of(ApiPaths.HEALTH, openApiPath, ApiPaths.AUTH_OIDC, ApiPaths.AUTH_OIDC_TOKEN),
            errors::getObject);
    FilterRegistrationBean<BearerAuthentication> registration =
        new FilterRegistrationBean<>(filter);
    registration.addUrlPatterns("/api/*");
    registration.setName("bearerAuthentication");
    return registration;
  }

  @Override
  public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
    resolvers.add(new CallerArgumentResolver());
  }
}
