package io.capstan.server;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The server's own settings ({@code capstan.*}).
 *
 * @param dataDir where all state lives: the H2 database, logs, job directories, the admin token
 * @param maxSpecBytes largest accepted job spec
 * @param reconcileInterval how often the job controller re-checks every live job
 * @param stopGracePeriod SIGTERM-to-SIGKILL grace when replicas are stopped
 */
@ConfigurationProperties(prefix = "capstan")
public record ServerConfig(
    Path dataDir, Long maxSpecBytes, Duration reconcileInterval, Duration stopGracePeriod) {
  public ServerConfig {
    dataDir =
        dataDir == null
            ? Path.of(System.getProperty("user.home"), ".capstan")
            : dataDir.toAbsolutePath();
    maxSpecBytes = maxSpecBytes == null ? 1024 * 1024 : maxSpecBytes;
    reconcileInterval = reconcileInterval == null ? Duration.ofMillis(500) : reconcileInterval;
    stopGracePeriod = stopGracePeriod == null ? Duration.ofSeconds(10) : stopGracePeriod;
  }
}
