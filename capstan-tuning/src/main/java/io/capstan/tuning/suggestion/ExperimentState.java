package io.capstan.tuning.suggestion;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything an algorithm may use to suggest: the experiment's seed and all its trials in creation
 * order, finished or not. Algorithms keep no state of their own, so the same state gives the same
 * suggestions on any machine and after any restart (ask/tell over a stored state).
 */
public record ExperimentState(long seed, List<Trial> trials) {
  public ExperimentState {
    trials = List.copyOf(trials);
  }

  /** This state with {@code assignment} added as a running trial, as if it had been created. */
  public ExperimentState withPending(Assignment assignment) {
    List<Trial> more = new ArrayList<>(trials);
    more.add(Trial.running("pending-" + trials.size(), assignment));
    return new ExperimentState(seed, more);
  }

  public List<Trial> observed() {
    return trials.stream().filter(Trial::observed).toList();
  }
}
