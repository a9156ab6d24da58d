package io.capstan.tuning.suggestion;

/** Where a trial is, as the suggestion algorithms see it. */
public enum TrialStatus {
  /** Created and not finished: its configuration is taken, its result unknown. */
  RUNNING,
  SUCCEEDED,
  FAILED,
  /** Stopped by an early-stopping rule; its objective so far counts as its result. */
  EARLY_STOPPED;

  public boolean finished() {
    return this != RUNNING;
  }
}
