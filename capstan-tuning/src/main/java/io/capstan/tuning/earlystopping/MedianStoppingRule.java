package io.capstan.tuning.earlystopping;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.tuning.experiment.AlgorithmSpec;
import io.capstan.tuning.experiment.Experiment;
import io.capstan.tuning.experiment.ObjectiveType;
import io.capstan.tuning.suggestion.ExperimentState;
import io.capstan.tuning.suggestion.Trial;
import io.capstan.tuning.suggestion.TrialStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The median stopping rule (Golovin et al., "Google Vizier", KDD 2017) under Katib's {@code
 * medianstop} settings: once at least {@code min_trials_required} (3) trials have succeeded, a
 * running trial that has reported {@code start_step} (4) or more steps is stopped when its best
 * objective so far is strictly worse than the median, over the succeeded trials, of their running
 * averages over the same number of steps.
 *
 * <p>Katib's own service compares with the mean of the averages over the first {@code start_step}
 * steps; this is the rule as published.
 */
public final class MedianStoppingRule {
  private final ObjectiveType objective;
  private final int minTrialsRequired;
  private final int startStep;

  MedianStoppingRule(ObjectiveType objective, int minTrialsRequired, int startStep) {
    this.objective = requireNonNull(objective, "objective is null");
    this.minTrialsRequired = minTrialsRequired;
    this.startStep = startStep;
  }

  /**
   * The rule of {@code experiment}'s {@code spec.earlyStopping}, checking its name and settings.
   *
   * @throws IllegalArgumentException when the experiment has no early stopping
   * @throws CapstanException INVALID_SPEC for an unknown algorithm or a bad setting
   */
  public static MedianStoppingRule of(Experiment experiment) {
    AlgorithmSpec spec = experiment.earlyStopping();
    if (spec == null) {
      throw new IllegalArgumentException(
          "experiment " + experiment.name() + " stops no trial early");
    }
    if (!spec.algorithmName().equals("medianstop")) {
      throw CapstanException.invalidSpec(
          spec.path() + ".algorithmName",
          "Expected spec.earlyStopping.algorithmName to be medianstop, but was '"
              + spec.algorithmName()
              + "'");
    }
    spec.rejectUnknownSettings(Set.of("min_trials_required", "start_step"));
    return new MedianStoppingRule(
        experiment.objective().type(),
        spec.intSetting("min_trials_required", 3, 1),
        spec.intSetting("start_step", 4, 1));
  }

  /** The names of the running trials of {@code state} to stop now. */
  public List<String> trialsToStop(ExperimentState state) {
    List<Trial> succeeded =
        state.trials().stream()
            .filter(t -> t.status() == TrialStatus.SUCCEEDED && !t.history().isEmpty())
            .toList();
    List<String> stop = new ArrayList<>();
    if (succeeded.size() < minTrialsRequired) {
      return stop;
    }
    for (Trial trial : state.trials()) {
      if (trial.status() == TrialStatus.RUNNING && shouldStop(trial, succeeded)) {
        stop.add(trial.name());
      }
    }
    return stop;
  }

  private boolean shouldStop(Trial running, List<Trial> succeeded) {
    int steps = running.history().size();
    if (steps < startStep) {
      return false;
    }
    double best = Double.POSITIVE_INFINITY;
    for (double value : running.history()) {
      best = Math.min(best, objective.loss(value));
    }
    return best > median(succeeded, steps);
  }

  /** The median of the succeeded trials' mean loss over their first {@code steps} reports. */
  private double median(List<Trial> succeeded, int steps) {
    double[] averages = new double[succeeded.size()];
    for (int i = 0; i < averages.length; i++) {
      List<Double> history = succeeded.get(i).history();
      int count = Math.min(steps, history.size());
      double sum = 0;
      for (int j = 0; j < count; j++) {
        sum += objective.loss(history.get(j));
      }
      averages[i] = sum / count;
    }
    Arrays.sort(averages);
    int middle = averages.length / 2;
    return averages.length % 2 == 1
        ? averages[middle]
        : (averages[middle - 1] + averages[middle]) / 2;
  }
}
