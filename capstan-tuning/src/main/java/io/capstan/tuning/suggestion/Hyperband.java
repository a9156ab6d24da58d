package io.capstan.tuning.suggestion;

import static java.util.Objects.requireNonNull;

import io.capstan.tuning.experiment.ObjectiveType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Hyperband (Li et al., JMLR 2018) with Katib's settings: brackets s = s_max..0, s_max =
 * floor(log_eta(r_l)); bracket s starts n = ceil((s_max + 1) / (s + 1) * eta^s) random
 * configurations with r_l * eta^-s of the resource, and successive halving keeps the best floor(n_i
 * / eta) of each rung for eta times the resource, up to r_l.
 *
 * <p>Rungs run one after another in trial order, as in Katib: trials [0, n_0) are the first rung,
 * the next n_1 trials the second, and so on, so the trials alone say which rung each belongs to. A
 * rung's successors are suggested once all of its trials have finished (a failed trial ranks last);
 * until then {@link #next} is empty. After the last rung the search is exhausted, as in Katib, or,
 * with {@code repeat_brackets}, the brackets run again (Hyperband's infinite horizon, bounded by
 * maxTrialCount).
 */
final class Hyperband implements SuggestionAlgorithm {
  /** One rung: {@code trials} configurations, each given {@code resource}. */
  record Rung(int bracket, int index, int trials, double resource) {}

  private final ObjectiveType objective;
  private final ResourceSettings settings;
  private final List<Rung> schedule;
  private final ConfigurationSampler sampler;

  Hyperband(SearchSpace space, ObjectiveType objective, ResourceSettings settings) {
    requireNonNull(space, "space is null");
    this.objective = requireNonNull(objective, "objective is null");
    this.settings = requireNonNull(settings, "settings is null");
    this.schedule =
        schedule(settings.eta(), settings.maxResource(), settings.levels(settings.maxResource()));
    this.sampler = settings.sampler(space, objective);
  }

  static List<Rung> schedule(int eta, double maxResource, int sMax) {
    List<Rung> rungs = new ArrayList<>();
    for (int s = sMax; s >= 0; s--) {
      int n = (int) Math.ceil((sMax + 1.0) / (s + 1.0) * StrictMath.pow(eta, s) - 1e-9);
      double r = maxResource * StrictMath.pow(eta, -s);
      for (int i = 0; i <= s; i++) {
        rungs.add(
            new Rung(
                s,
                i,
                (int) Math.floor(n * StrictMath.pow(eta, -i) + 1e-9),
                r * StrictMath.pow(eta, i)));
      }
    }
    return rungs;
  }

  List<Rung> schedule() {
    return schedule;
  }

  @Override
  public Optional<Assignment> next(ExperimentState state) {
    List<Trial> trials = state.trials();
    int position = 0;
    List<Trial> previous = List.of();
    do {
      for (Rung rung : schedule) {
        List<Trial> members =
            trials.subList(
                Math.min(position, trials.size()),
                Math.min(position + rung.trials(), trials.size()));
        if (members.size() < rung.trials()) {
          return rung.index() == 0
              ? Optional.of(fresh(state, rung))
              : promote(previous, members.size(), rung);
        }
        position += rung.trials();
        previous = members;
      }
    } while (settings.repeatBrackets());
    throw new SearchExhaustedException(
        "Every rung of every Hyperband bracket has run (" + position + " trials)");
  }

  private Assignment fresh(ExperimentState state, Rung rung) {
    return sampler.sample(state).with(settings.name(), settings.format(rung.resource()));
  }

  private Optional<Assignment> promote(List<Trial> previous, int taken, Rung rung) {
    if (!previous.stream().allMatch(trial -> trial.status().finished())) {
      return Optional.empty();
    }
    List<Trial> ranked = new ArrayList<>(previous);
    ranked.sort(Comparator.comparingDouble(this::loss));
    return Optional.of(
        ranked.get(taken).assignment().with(settings.name(), settings.format(rung.resource())));
  }

  private double loss(Trial trial) {
    return trial.observed() ? objective.loss(trial.objective()) : Double.POSITIVE_INFINITY;
  }
}
