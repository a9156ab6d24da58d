package io.capstan.server;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The server's own settings ({@code capstan.*}); an absent one takes the default stated here, and a
 * bad value stops start-up with a message naming the property.
 *
 * @param dataDir where all state lives: the H2 database, logs, job directories, the admin token
 *     (default {@code ~/.capstan})
 * @param home the Capstan installation, where the bundled images' files are (default: the working
 *     directory)
 * @param maxSpecBytes largest accepted job spec (default 1 MiB)
 * @param reconcileInterval how often the job controller re-checks every live job (default 500ms)
 * @param stopGracePeriod SIGTERM-to-SIGKILL grace when replicas are stopped (default 10s)
 * @param trustAllJobs whether every job is trusted ({@code --trust-all-jobs}; default false), so
 *     the runtime may run replicas without a sandbox
 */
@ConfigurationProperties(prefix = "capstan")
public record ServerConfig(
    Path dataDir,
    Path home,
    Long maxSpecBytes,
    Duration reconcileInterval,
    Duration stopGracePeriod,
    Boolean trustAllJobs) {
  public ServerConfig {
    dataDir =
        dataDir == null
            ? Path.of(System.getProperty("user.home"), ".capstan")
            : dataDir.toAbsolutePath();
    home = (home == null ? Path.of("") : home).toAbsolutePath();
    maxSpecBytes = maxSpecBytes == null ? 1024 * 1024 : maxSpecBytes;
    reconcileInterval = reconcileInterval == null ? Duration.ofMillis(500) : reconcileInterval;
    stopGracePeriod = stopGracePeriod == null ? Duration.ofSeconds(10) : stopGracePeriod;
    trustAllJobs = trustAllJobs != null && trustAllJobs;
    require(maxSpecBytes > 0, "max-spec-bytes", "positive", maxSpecBytes);
    require(
        !reconcileInterval.isNegative() && !reconcileInterval.isZero(),
        "reconcile-interval",
        "a positive duration",
        reconcileInterval);
    require(
        !stopGracePeriod.isNegative(),
        "stop-grace-period",
        "a duration of at least 0",
        stopGracePeriod);
  }

  private static void require(boolean valid, String property, String expected, Object actual) {
    if (!valid) {
      throw new IllegalArgumentException(
          "Expected capstan." + property + " to be " + expected + ", but was " + actual);
    }
  }
}
