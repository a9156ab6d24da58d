package io.capstan.server.leader;

import io.capstan.server.control.Leadership;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Wiring: the election when it is on, else this replica leads for good. */
@Configuration(proxyBeanMethods = false)
class LeaderConfiguration {
  @Bean
  Leadership leadership(LeaderElectionProperties properties, JdbcClient jdbc, Clock clock) {
    if (!properties.enabled()) {
      return Leadership.ALWAYS;
    }
    String identity = properties.identity() != null ? properties.identity() : defaultIdentity();
    return new LeaderElection(new LeaseStore(jdbc), identity, properties, System::nanoTime, clock);
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
