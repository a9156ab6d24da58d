package io.capstan.server.leader;

import io.capstan.server.control.Leadership;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Wiring: the election when it is on, else this replica leads for good. */
@Configuration(proxyBeanMethods = false)
class LeaderConfiguration {
  @Bean
  Leadership leadership(
      LeaderElectionProperties properties,
      JdbcClient jdbc,
      Clock clock,
      @Value("${spring.datasource.url:}") String databaseUrl) {
    if (!properties.enabled()) {
      return Leadership.ALWAYS;
    }
    requireSharedDatabase(databaseUrl);
    String identity = properties.identity() != null ? properties.identity() : defaultIdentity();
    return new LeaderElection(new LeaseStore(jdbc), identity, properties, System::nanoTime, clock);
  }

  /** Replicas must share the database: an embedded H2 cannot be shared, so it is refused. */
  static void requireSharedDatabase(String databaseUrl) {
    boolean embeddedH2 =
        databaseUrl.startsWith("jdbc:h2:")
            && !databaseUrl.startsWith("jdbc:h2:tcp:")
            && !databaseUrl.startsWith("jdbc:h2:ssl:");
    if (embeddedH2) {
      throw new IllegalStateException(
          "Expected a database every control-plane replica reaches (PostgreSQL:"
              + " CAPSTAN_DATABASE_URL=jdbc:postgresql://...) with capstan.leader-election.enabled,"
              + " but spring.datasource.url is an embedded H2 database");
    }
  }

  private static String defaultIdentity() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    byte[] suffix = new byte[3];
    ThreadLocalRandom.current().nextBytes(suffix);
    return host + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(suffix);
  }
}
