package io.capstan.server.leader;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Leader election ({@code capstan.leader-election.*}), for several control-plane replicas on one
 * database; off by default, where the only replica runs the controllers.
 *
 * @param enabled whether replicas elect a leader (default false; the Helm chart turns it on)
 * @param leaseDuration how long a lease that nobody renews keeps others out, by each candidate's
 *     own clock (default 15s)
 * @param renewDeadline how long the leader keeps leading without a successful renewal (default
 *     10s): less than the lease duration, so it stops before another can take over
 * @param retryPeriod how often the leader renews and the others try (default 2s)
 * @param identity this replica's name in the lease (default host name, process id and a random
 *     suffix)
 */
@ConfigurationProperties(prefix = "capstan.leader-election")
public record LeaderElectionProperties(
    Boolean enabled,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod,
    String identity) {
  public LeaderElectionProperties {
    enabled = enabled != null && enabled;
    leaseDuration = leaseDuration == null ? Duration.ofSeconds(15) : leaseDuration;
    renewDeadline = renewDeadline == null ? Duration.ofSeconds(10) : renewDeadline;
    retryPeriod = retryPeriod == null ? Duration.ofSeconds(2) : retryPeriod;
    if (retryPeriod.isNegative() || retryPeriod.isZero()) {
      throw new IllegalArgumentException(
          "Expected capstan.leader-election.retry-period to be a positive duration, but was "
              + retryPeriod);
    }
    if (renewDeadline.compareTo(retryPeriod) <= 0) {
      throw new IllegalArgumentException(
          "Expected capstan.leader-election.renew-deadline to be longer than the retry period ("
              + retryPeriod
              + "), but was "
              + renewDeadline);
    }
    if (leaseDuration.compareTo(renewDeadline) <= 0) {
      throw new IllegalArgumentException(
          "Expected capstan.leader-election.lease-duration to be longer than the renew deadline ("
              + renewDeadline
              + "), but was "
              + leaseDuration);
    }
    if (identity != null && (identity.isBlank() || identity.length() > 200)) {
      throw new IllegalArgumentException(
          "Expected capstan.leader-election.identity to be 1 to 200 characters, but was '"
              + identity
              + "'");
    }
  }
}
