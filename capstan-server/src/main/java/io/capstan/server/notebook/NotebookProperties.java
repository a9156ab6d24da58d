package io.capstan.server.notebook;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Notebooks' settings ({@code capstan.notebooks.*}); an absent one takes the default stated here,
 * and a bad value stops start-up with a message naming the property.
 *
 * @param cullAfter the idle time that stops a notebook unless its project or spec says otherwise
 *     (default 1h; 0 never culls)
 * @param reclaimAfter the idle time after which a running notebook gives way to any waiting work
 *     its resources would admit: it is preempted first and then stopped, its workspace kept
 *     (default 15m; 0 never: an idle notebook keeps its resources until it is culled)
 * @param pollInterval how often the notebook controller asks each running server whether a kernel
 *     is busy and culls idle ones (default 10s)
 * @param probePeriod how often the runtime asks a starting server whether it answers (default
 *     200ms: it sets how soon a new notebook is Running)
 * @param loginLifetime how long a one-time login link is good for (default 2m)
 * @param sessionLifetime how long the browser session a login link starts lasts (default 12h)
 * @param listenAddress where Jupyter listens in its replica (default 127.0.0.1, the local runtime's
 *     loopback; 0.0.0.0 in a pod)
 * @param defaultImage the environment of a notebook that names none (default
 *     pytorch/pytorch:latest)
 */
@ConfigurationProperties(prefix = "capstan.notebooks")
public record NotebookProperties(
    Duration cullAfter,
    Duration reclaimAfter,
    Duration pollInterval,
    Duration probePeriod,
    Duration loginLifetime,
    Duration sessionLifetime,
    String listenAddress,
    String defaultImage) {
  public NotebookProperties {
    cullAfter = cullAfter == null ? Duration.ofHours(1) : cullAfter;
    reclaimAfter = reclaimAfter == null ? Duration.ofMinutes(15) : reclaimAfter;
    pollInterval = pollInterval == null ? Duration.ofSeconds(10) : pollInterval;
    probePeriod = probePeriod == null ? Duration.ofMillis(200) : probePeriod;
    loginLifetime = loginLifetime == null ? Duration.ofMinutes(2) : loginLifetime;
    sessionLifetime = sessionLifetime == null ? Duration.ofHours(12) : sessionLifetime;
    listenAddress = listenAddress == null || listenAddress.isBlank() ? "127.0.0.1" : listenAddress;
    defaultImage =
        defaultImage == null || defaultImage.isBlank() ? "pytorch/pytorch:latest" : defaultImage;
    require(!cullAfter.isNegative(), "cull-after", "0 (never) or more", cullAfter);
    require(!reclaimAfter.isNegative(), "reclaim-after", "0 (never) or more", reclaimAfter);
    require(isPositive(pollInterval), "poll-interval", "positive", pollInterval);
    require(probePeriod.toMillis() >= 10, "probe-period", "at least 10ms", probePeriod);
    require(isPositive(loginLifetime), "login-lifetime", "positive", loginLifetime);
    require(isPositive(sessionLifetime), "session-lifetime", "positive", sessionLifetime);
  }

  private static boolean isPositive(Duration duration) {
    return !duration.isNegative() && !duration.isZero();
  }

  private static void require(boolean ok, String property, String expected, Object found) {
    if (!ok) {
      throw new IllegalArgumentException(
          "Expected capstan.notebooks." + property + " to be " + expected + ", but was " + found);
    }
  }
}
