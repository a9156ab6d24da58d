package io.capstan.server.control;

import java.time.Duration;

/**
 * Whether this control-plane replica runs the controllers now. With one replica it always does;
 * with several sharing a database, only the one holding the lease ({@code
 * io.capstan.server.leader.LeaderElection}), while every replica answers the API.
 */
public interface Leadership {
  /** Leading for good: a control plane that is the only one. */
  Leadership ALWAYS =
      new Leadership() {
        @Override
        public boolean leading() {
          return true;
        }

        @Override
        public boolean awaitLeading(Duration timeout) {
          return true;
        }

        @Override
        public boolean sole() {
          return true;
        }
      };

  /** Whether this replica leads now. */
  boolean leading();

  /**
   * Waits until this replica leads, at most {@code timeout}.
   *
   * @return whether it leads
   */
  boolean awaitLeading(Duration timeout) throws InterruptedException;

  /**
   * Whether this is the only replica, so work that assumes no other writer (sweeping files that no
   * row names, which another replica may be writing) is safe at start-up.
   */
  default boolean sole() {
    return false;
  }
}
