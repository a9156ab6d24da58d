package io.capstan.server.experiment;

import io.capstan.api.experiment.ExperimentPhase;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The transitions an experiment may make: Created to Running at its first trial; Created or Running
 * to Succeeded, Failed or Stopped; Stopped back to Running (resume) or to Succeeded or Failed when
 * the trials that were still running settle it; Succeeded back to Running when a larger
 * maxTrialCount restarts it (Katib's restart, which the service allows only after
 * MaxTrialsReached). Failed is final.
 */
final class ExperimentLifecycle {
  private static final Map<ExperimentPhase, Set<ExperimentPhase>> NEXT =
      Map.of(
          ExperimentPhase.CREATED,
          EnumSet.of(
              ExperimentPhase.RUNNING,
              ExperimentPhase.SUCCEEDED,
              ExperimentPhase.FAILED,
              ExperimentPhase.STOPPED),
          ExperimentPhase.RUNNING,
          EnumSet.of(ExperimentPhase.SUCCEEDED, ExperimentPhase.FAILED, ExperimentPhase.STOPPED),
          ExperimentPhase.STOPPED,
          EnumSet.of(ExperimentPhase.RUNNING, ExperimentPhase.SUCCEEDED, ExperimentPhase.FAILED),
          ExperimentPhase.SUCCEEDED,
          EnumSet.of(ExperimentPhase.RUNNING),
          ExperimentPhase.FAILED,
          EnumSet.noneOf(ExperimentPhase.class));

  private ExperimentLifecycle() {}

  static boolean allowed(ExperimentPhase from, ExperimentPhase to) {
    return NEXT.get(from).contains(to);
  }

  /** Throws when {@code from} may not become {@code to}: a bug of the caller, not of the user. */
  static void check(String experiment, ExperimentPhase from, ExperimentPhase to) {
    if (!allowed(from, to)) {
      throw new IllegalStateException(
          "Experiment '"
              + experiment
              + "' cannot go from "
              + from.wireName()
              + " to "
              + to.wireName());
    }
  }
}
