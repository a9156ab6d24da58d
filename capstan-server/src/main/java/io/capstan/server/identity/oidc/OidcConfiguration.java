package io.capstan.server.identity.oidc;

import io.capstan.server.identity.ProjectStore;
import io.capstan.server.identity.Revocations;
import io.capstan.server.identity.SessionStore;
import io.capstan.server.identity.UserStore;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Wiring of sign-in through the OpenID provider ({@link OidcConfig}). */
@Configuration(proxyBeanMethods = false)
class OidcConfiguration {
  @Bean
  OidcProvider oidcProvider(OidcConfig config, Clock clock) {
    return new OidcProvider(config, clock);
  }

  @Bean
  IdTokenVerifier idTokenVerifier(OidcProvider provider, Clock clock) {
    return new IdTokenVerifier(provider, clock);
  }

  @Bean
  SignIn signIn(
      OidcConfig config,
      JdbcClient jdbc,
      UserStore users,
      ProjectStore projects,
      SessionStore sessions,
      Revocations revocations,
      Clock clock) {
    return new SignIn(config, jdbc, users, projects, sessions, revocations, clock);
  }
}
