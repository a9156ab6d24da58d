package io.capstan.server.experiment;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.experiment.ExperimentPhase;
import io.capstan.api.experiment.ExperimentView;
import io.capstan.api.experiment.TrialPhase;
import io.capstan.api.experiment.TrialView;
import io.capstan.api.status.Condition;
import io.capstan.api.status.ConditionStatus;
import io.capstan.server.store.Versions;
import io.capstan.tuning.ExperimentLoader;
import io.capstan.tuning.experiment.Experiment;
import io.capstan.tuning.experiment.ObjectiveType;
import io.capstan.tuning.experiment.ResumePolicy;
import io.capstan.tuning.suggestion.SuggestionAlgorithms;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Creates, reads, stops, resumes and deletes experiments for the API; the experiment controller
 * runs their trials.
 */
final class ExperimentService {
  private final ExperimentStore store;
  private final Consumer<String> wake;
  private final Clock clock;
  private final ExperimentLoader loader = new ExperimentLoader();
  private final SecureRandom random = new SecureRandom();

  /**
   * @param wake asks the controller to look at the experiment of this uid now
   */
  ExperimentService(ExperimentStore store, Consumer<String> wake, Clock clock) {
    this.store = requireNonNull(store, "store is null");
    this.wake = requireNonNull(wake, "wake is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** Validates and stores a Katib Experiment that {@code user} submitted as {@code text}. */
  ExperimentView create(String project, String text, String user) {
    Experiment spec = loader.load(text);
    // The parser keeps names to 40 characters: a trial's job, <name>-<8 characters>, fits 50.
    String name = spec.name();
    long seed = SuggestionAlgorithms.seed(spec, random.nextLong());
    Instant now = clock.instant();
    ExperimentRecord experiment =
        new ExperimentRecord(
            name + "-" + HexFormat.of().toHexDigits(random.nextInt()),
            project,
            name,
            text,
            seed,
            ExperimentPhase.CREATED,
            "ExperimentCreated",
            "Experiment created with algorithm " + spec.algorithm().algorithmName(),
            false,
            now,
            user,
            null,
            null,
            null,
            1);
    if (!store.insert(experiment)) {
      throw new CapstanException(
          ErrorCode.ALREADY_EXISTS,
          "metadata.name",
          "Experiment '"
              + name
              + "' already exists in project '"
              + project
              + "'; delete it first or choose another name");
    }
    wake.accept(experiment.uid());
    return view(find(project, name));
  }

  List<ExperimentView> list(String project) {
    return store.list(project).stream().filter(e -> !e.deleting()).map(this::view).toList();
  }

  ExperimentView get(String project, String name) {
    return view(find(project, name));
  }

  List<TrialView> trials(String project, String name) {
    return store.trials(find(project, name).uid()).stream()
        .map(ExperimentService::trialView)
        .toList();
  }

  /** Creates no more trials; the running ones finish and are recorded. */
  ExperimentView stop(String project, String name, String user) {
    ExperimentRecord stopped =
        change(
            project,
            name,
            current -> {
              if (current.phase() == ExperimentPhase.STOPPED) {
                return current;
              }
              requireActive(current, "stop");
              return current.transition(
                  ExperimentPhase.STOPPED,
                  "StoppedByUser",
                  "Stopped by " + user + "; running trials finish, no new ones start",
                  clock.instant());
            });
    wake.accept(stopped.uid());
    return view(stopped);
  }

  /**
   * Creates trials again after a stop, or after the experiment succeeded by reaching {@code
   * maxTrialCount} when a larger one is given (Katib's restart of a completed experiment), unless
   * its resumePolicy is Never. {@code maxTrials} and {@code parallelTrials} (null: unchanged)
   * replace the spec's counts.
   */
  ExperimentView resume(
      String project, String name, String user, Integer maxTrials, Integer parallelTrials) {
    ExperimentRecord resumed =
        change(
            project,
            name,
            current -> {
              Experiment spec = current.effective(loader.load(current.specText()));
              checkResumable(current, spec, maxTrials);
              checkCounts(current, spec, maxTrials, parallelTrials);
              String counts =
                  (maxTrials == null ? "" : ", maxTrialCount " + maxTrials)
                      + (parallelTrials == null ? "" : ", parallelTrialCount " + parallelTrials);
              return current
                  .withCounts(maxTrials, parallelTrials)
                  .transition(
                      ExperimentPhase.RUNNING,
                      current.phase() == ExperimentPhase.SUCCEEDED ? "Restarted" : "Resumed",
                      (current.phase() == ExperimentPhase.SUCCEEDED ? "Restarted" : "Resumed")
                          + " by "
                          + user
                          + counts,
                      clock.instant());
            });
    wake.accept(resumed.uid());
    return view(resumed);
  }

  /** Katib's rules: a stopped experiment, or one that succeeded at maxTrialCount, not Never. */
  private static void checkResumable(ExperimentRecord current, Experiment spec, Integer maxTrials) {
    String name = current.name();
    boolean restart = current.phase() == ExperimentPhase.SUCCEEDED;
    if (current.phase() != ExperimentPhase.STOPPED && !restart) {
      throw new CapstanException(
          ErrorCode.INVALID_STATE,
          "Expected experiment '"
              + name
              + "' to be Stopped, or Succeeded by reaching maxTrialCount, to resume it, but it is "
              + current.phase().wireName()
              + (current.phase() == ExperimentPhase.FAILED
                  ? " (" + current.reason() + "); a failed experiment cannot be resumed"
                  : ""));
    }
    if (restart && !current.reason().equals("MaxTrialsReached")) {
      throw new CapstanException(
          ErrorCode.INVALID_STATE,
          "Expected experiment '"
              + name
              + "' to have succeeded by reaching maxTrialCount (MaxTrialsReached) to resume it,"
              + " but it succeeded with "
              + current.reason());
    }
    if (spec.resumePolicy() == ResumePolicy.NEVER) {
      throw new CapstanException(
          ErrorCode.INVALID_STATE,
          "spec.resumePolicy",
          "Experiment '"
              + name
              + "' has spec.resumePolicy Never (Katib's default), so it cannot be"
              + " resumed; create it with resumePolicy LongRunning to stop and resume");
    }
    if (restart && maxTrials == null) {
      throw CapstanException.invalidSpec(
          "maxTrialCount",
          "Expected a maxTrialCount (--max-trials) to resume experiment '"
              + name
              + "', which reached its maxTrialCount "
              + spec.maxTrialCount()
              + ", but none was given");
    }
  }

  /** Katib's checks of edited counts: max above the trials made so far, parallel at most max. */
  private void checkCounts(
      ExperimentRecord current, Experiment spec, Integer maxTrials, Integer parallelTrials) {
    if (maxTrials != null) {
      int made = store.trials(current.uid()).size();
      if (maxTrials <= made) {
        throw CapstanException.invalidSpec(
            "maxTrialCount",
            "Expected maxTrialCount greater than the "
                + made
                + " trials experiment '"
                + current.name()
                + "' already has, but was "
                + maxTrials);
      }
    }
    if (parallelTrials != null && parallelTrials < 1) {
      throw CapstanException.invalidSpec(
          "parallelTrialCount",
          "Expected parallelTrialCount to be at least 1, but was " + parallelTrials);
    }
    Integer max = maxTrials != null ? maxTrials : spec.maxTrialCount();
    int parallel = parallelTrials != null ? parallelTrials : spec.parallelTrialCount();
    if (parallelTrials != null && max != null && parallel > max) {
      throw CapstanException.invalidSpec(
          "parallelTrialCount",
          "Expected parallelTrialCount to be at most maxTrialCount "
              + max
              + ", but was "
              + parallel);
    }
  }

  /** Marks the experiment for deletion; the controller deletes its trials' jobs, then it. */
  void delete(String project, String name) {
    ExperimentRecord deleting = change(project, name, ExperimentRecord::markDeleting);
    wake.accept(deleting.uid());
  }

  /** Whether the experiment is gone (its deletion finished). */
  boolean exists(String project, String name) {
    return store.find(project, name).isPresent();
  }

  private static void requireActive(ExperimentRecord experiment, String action) {
    if (!experiment.active()) {
      throw new CapstanException(
          ErrorCode.INVALID_STATE,
          "Expected experiment '"
              + experiment.name()
              + "' to be Created or Running to "
              + action
              + " it, but it is "
              + experiment.phase().wireName());
    }
  }

  private ExperimentRecord find(String project, String name) {
    return store
        .find(project, name)
        .filter(experiment -> !experiment.deleting())
        .orElseThrow(
            () ->
                CapstanException.notFound(
                    "Experiment '" + name + "' not found in project '" + project + "'"));
  }

  private ExperimentRecord change(
      String project, String name, Function<ExperimentRecord, ExperimentRecord> decide) {
    return Versions.retry(
        "experiment '" + name + "' of project '" + project + "'",
        () -> {
          ExperimentRecord current = find(project, name);
          ExperimentRecord next = decide.apply(current);
          if (next == current) {
            return Optional.of(current);
          }
          return store.update(current, next)
              ? Optional.of(store.findByUid(current.uid()).orElseThrow())
              : Optional.empty();
        });
  }

  private ExperimentView view(ExperimentRecord experiment) {
    Experiment spec = experiment.effective(loader.load(experiment.specText()));
    List<TrialRecord> trials = store.trials(experiment.uid());
    return new ExperimentView(
        experiment.name(),
        experiment.project(),
        experiment.uid(),
        spec.algorithm().algorithmName(),
        new ExperimentView.Objective(
            spec.objective().type().name().toLowerCase(java.util.Locale.ROOT),
            spec.objective().objectiveMetricName(),
            spec.objective().goal(),
            spec.objective().additionalMetricNames()),
        experiment.phase(),
        experiment.reason(),
        experiment.message(),
        experiment.seed(),
        spec.parallelTrialCount(),
        spec.maxTrialCount(),
        spec.maxFailedTrialCount(),
        spec.resumePolicy().katibName(),
        counts(trials),
        best(spec, trials).map(ExperimentService::trialView).orElse(null),
        experiment.createdAt(),
        experiment.createdBy(),
        conditions(experiment));
  }

  /** The finished trial with the best objective (Succeeded or EarlyStopped), if any. */
  static Optional<TrialRecord> best(Experiment spec, List<TrialRecord> trials) {
    Comparator<TrialRecord> byObjective = Comparator.comparingDouble(TrialRecord::objective);
    if (spec.objective().type() == ObjectiveType.MAXIMIZE) {
      byObjective = byObjective.reversed();
    }
    return trials.stream()
        .filter(
            t ->
                (t.phase() == TrialPhase.SUCCEEDED || t.phase() == TrialPhase.EARLY_STOPPED)
                    && t.objective() != null)
        .min(byObjective.thenComparingInt(TrialRecord::index));
  }

  private static ExperimentView.TrialCounts counts(List<TrialRecord> trials) {
    Map<TrialPhase, Integer> by = new LinkedHashMap<>();
    trials.forEach(t -> by.merge(t.phase(), 1, Integer::sum));
    return new ExperimentView.TrialCounts(
        trials.size(),
        by.getOrDefault(TrialPhase.PENDING, 0),
        by.getOrDefault(TrialPhase.RUNNING, 0),
        by.getOrDefault(TrialPhase.SUCCEEDED, 0),
        by.getOrDefault(TrialPhase.FAILED, 0),
        by.getOrDefault(TrialPhase.EARLY_STOPPED, 0),
        by.getOrDefault(TrialPhase.METRICS_UNAVAILABLE, 0),
        by.getOrDefault(TrialPhase.KILLED, 0));
  }

  /** One condition per phase it has been in, with its last event; the current one holds. */
  private List<Condition> conditions(ExperimentRecord experiment) {
    Map<ExperimentPhase, ExperimentStore.Event> last = new LinkedHashMap<>();
    for (ExperimentStore.Event event : store.events(experiment.uid())) {
      last.remove(event.phase());
      last.put(event.phase(), event);
    }
    List<Condition> conditions = new ArrayList<>();
    last.forEach(
        (phase, event) ->
            conditions.add(
                new Condition(
                    phase.wireName(),
                    phase == experiment.phase() ? ConditionStatus.TRUE : ConditionStatus.FALSE,
                    event.reason(),
                    event.message(),
                    event.at())));
    return conditions;
  }

  static TrialView trialView(TrialRecord trial) {
    return new TrialView(
        trial.name(),
        trial.index(),
        trial.name(),
        trial.phase(),
        trial.assignment(),
        trial.objective(),
        trial.metrics(),
        trial.message(),
        trial.createdAt(),
        trial.finishedAt());
  }
}
