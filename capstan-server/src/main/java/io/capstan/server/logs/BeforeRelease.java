package io.capstan.server.logs;

import io.capstan.runtime.ReplicaObservation;
import java.util.Collection;

/**
 * Told by the {@link LogShipper} when it drains replicas, before the runtime forgets them (a
 * release, a relaunch as a new attempt): the last moment to read what else they wrote (their metric
 * files). Called on the job controller's thread: bounded work only.
 */
@FunctionalInterface
public interface BeforeRelease {
  /** Nobody listens. */
  BeforeRelease NONE = replicas -> {};

  /** The replicas about to be forgotten, as last observed (finished or still running). */
  void draining(Collection<ReplicaObservation> replicas);
}
