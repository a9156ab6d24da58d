package io.capstan.runtime;

/** What a runtime observes of a replica (a pod's phase). */
public enum ReplicaPhase {
  /** Accepted, not yet running. */
  PENDING,
  /** Its process (container) is running. */
  RUNNING,
  /** Exited with code 0. */
  SUCCEEDED,
  /** Exited with a non-zero code or was killed by a signal. */
  FAILED,
  /** The runtime lost track of it (e.g. its supervisor died); treat as failed. */
  LOST;

  public boolean isFinished() {
    return this == SUCCEEDED || this == FAILED || this == LOST;
  }
}
