package io.capstan.tuning.suggestion;

import static java.util.Objects.requireNonNull;

import io.capstan.tuning.experiment.ObjectiveType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Asynchronous successive halving (Li et al., MLSys 2020): rung k gives r_min * eta^k of the
 * resource, up to r_l. Whenever a trial is wanted, the highest rung with a configuration in the
 * best 1/eta of its finished trials that has not been promoted yet promotes it; otherwise a new
 * configuration starts at the lowest rung (random, or from BOHB's model with {@code sampler: tpe}).
 * Nothing waits for a rung to fill, so every parallel slot stays busy. A trial's rung is read from
 * its resource value.
 */
final class Asha implements SuggestionAlgorithm {
  private final ObjectiveType objective;
  private final ResourceSettings settings;
  private final double[] rungs;
  private final String[] rungValues;
  private final ConfigurationSampler sampler;

  Asha(SearchSpace space, ObjectiveType objective, ResourceSettings settings) {
    requireNonNull(space, "space is null");
    this.objective = requireNonNull(objective, "objective is null");
    this.settings = requireNonNull(settings, "settings is null");
    int top = settings.levels(settings.maxResource() / settings.minResource());
    sampler = settings.sampler(space, objective);
    rungs = new double[top + 1];
    rungValues = new String[top + 1];
    for (int k = 0; k <= top; k++) {
      rungs[k] = settings.minResource() * StrictMath.pow(settings.eta(), k);
      rungValues[k] = settings.format(rungs[k]);
    }
  }

  @Override
  public Optional<Assignment> next(ExperimentState state) {
    List<List<Trial>> byRung = byRung(state.trials());
    for (int k = rungs.length - 2; k >= 0; k--) {
      Set<Map<String, String>> promoted = new HashSet<>();
      byRung.get(k + 1).forEach(trial -> promoted.add(trial.assignment().without(settings.name())));
      for (Trial candidate : best(byRung.get(k))) {
        if (!promoted.contains(candidate.assignment().without(settings.name()))) {
          return Optional.of(candidate.assignment().with(settings.name(), rungValues[k + 1]));
        }
      }
    }
    return Optional.of(sampler.sample(state).with(settings.name(), rungValues[0]));
  }

  /** The best floor(finished / eta) observed trials of a rung. */
  private List<Trial> best(List<Trial> rung) {
    List<Trial> finished = rung.stream().filter(trial -> trial.status().finished()).toList();
    List<Trial> observed = new ArrayList<>(finished.stream().filter(Trial::observed).toList());
    observed.sort(Comparator.comparingDouble(trial -> objective.loss(trial.objective())));
    return observed.subList(0, Math.min(observed.size(), finished.size() / settings.eta()));
  }

  private List<List<Trial>> byRung(List<Trial> trials) {
    List<List<Trial>> byRung = new ArrayList<>();
    for (int k = 0; k < rungs.length; k++) {
      byRung.add(new ArrayList<>());
    }
    for (Trial trial : trials) {
      String value = trial.assignment().values().get(settings.name());
      for (int k = 0; value != null && k < rungs.length; k++) {
        if (value.equals(rungValues[k])) {
          byRung.get(k).add(trial);
          break;
        }
      }
    }
    return byRung;
  }
}
