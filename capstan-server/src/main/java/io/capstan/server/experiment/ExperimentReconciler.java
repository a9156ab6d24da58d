package io.capstan.server.experiment;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.experiment.ExperimentPhase;
import io.capstan.api.experiment.TrialPhase;
import io.capstan.api.job.JobPhase;
import io.capstan.server.control.KeyedController;
import io.capstan.server.job.CollectorFolder;
import io.capstan.server.job.JobRecord;
import io.capstan.server.job.JobService;
import io.capstan.server.job.TrainingJobKind;
import io.capstan.server.job.Workload;
import io.capstan.tuning.ExperimentLoader;
import io.capstan.tuning.earlystopping.MedianStoppingRule;
import io.capstan.tuning.experiment.Experiment;
import io.capstan.tuning.experiment.TrialRenderer;
import io.capstan.tuning.suggestion.Assignment;
import io.capstan.tuning.suggestion.ExperimentState;
import io.capstan.tuning.suggestion.SearchExhaustedException;
import io.capstan.tuning.suggestion.SuggestionAlgorithms;
import io.capstan.tuning.suggestion.Trial;
import io.capstan.tuning.suggestion.TrialStatus;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles one experiment (level-triggered: everything is read again from the store, the jobs and
 * their metrics on every call, so a restarted leader goes on where the last one stopped): records
 * what its trials' jobs did, settles the experiment (goal, maxTrialCount, maxFailedTrialCount, an
 * objective never reported), stops trials early by the median rule, and keeps {@code
 * parallelTrialCount} trials running with the algorithm's suggestions, asking it with every trial
 * (decision 103). A trial row is stored before its job is submitted, so a crash in between leaves a
 * Pending trial that the next call submits.
 */
final class ExperimentReconciler implements KeyedController.Reconciler<String> {
  /** How often an experiment with unfinished trials is looked at. */
  static final Duration POLL = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(ExperimentReconciler.class);
  private static final String CONTROLLER = "the experiment controller";
  private static final String NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

  private final ExperimentStore store;
  private final JobService jobs;
  private final TrialMetrics metrics;
  private final Clock clock;
  private final ExperimentLoader loader = new ExperimentLoader();
  private final SecureRandom random = new SecureRandom();

  ExperimentReconciler(ExperimentStore store, JobService jobs, TrialMetrics metrics, Clock clock) {
    this.store = requireNonNull(store, "store is null");
    this.jobs = requireNonNull(jobs, "jobs is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  @Override
  public Optional<Duration> reconcile(String uid) {
    Optional<ExperimentRecord> found = store.findByUid(uid);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    ExperimentRecord experiment = found.get();
    if (experiment.deleting()) {
      return delete(experiment);
    }
    Experiment spec = experiment.effective(loader.load(experiment.specText()));
    List<TrialRecord> trials = new ArrayList<>(store.trials(uid));
    experiment = refresh(experiment, spec, trials);
    experiment = settle(experiment, spec, trials);
    if (experiment.active()) {
      stopEarly(experiment, spec, trials);
      experiment = createTrials(experiment, spec, trials);
    }
    boolean unfinished = trials.stream().anyMatch(t -> !t.phase().isFinished());
    return unfinished || experiment.active() ? Optional.of(POLL) : Optional.empty();
  }

  /** Deletes the trials' jobs; once none is left, the experiment's row. */
  private Optional<Duration> delete(ExperimentRecord experiment) {
    List<JobRecord> owned = jobs.ownedBy(experiment.uid());
    for (JobRecord job : owned) {
      if (!job.deleting()) {
        jobs.requestDelete(job.project(), job.name(), CONTROLLER);
      }
    }
    if (!owned.isEmpty()) {
      return Optional.of(POLL);
    }
    store.delete(experiment.uid());
    log.info("Experiment {}/{} deleted", experiment.project(), experiment.name());
    return Optional.empty();
  }

  /** Records what each unfinished trial's job did; submits Pending trials while active. */
  private ExperimentRecord refresh(
      ExperimentRecord experiment, Experiment spec, List<TrialRecord> trials) {
    ExperimentRecord current = experiment;
    for (int i = 0; i < trials.size(); i++) {
      TrialRecord trial = trials.get(i);
      if (trial.phase().isFinished()) {
        continue;
      }
      String owner = current.uid();
      Optional<JobRecord> job =
          jobs.findOptional(current.project(), trial.name()).filter(j -> owner.equals(j.owner()));
      TrialRecord next;
      if (trial.phase() == TrialPhase.PENDING) {
        if (job.isPresent()) {
          next = trial.running();
        } else if (current.active()) {
          Submitted submitted = submit(current, spec, trial);
          next = submitted.trial();
          if (submitted.refusal() != null) {
            store.updateTrial(next);
            trials.set(i, next);
            current =
                finishAndKill(
                    current, trials, ExperimentPhase.FAILED, "TrialRefused", submitted.refusal());
            continue;
          }
        } else {
          continue;
        }
      } else {
        next = observe(spec, trial, job);
      }
      if (!next.equals(trial)) {
        store.updateTrial(next);
        trials.set(i, next);
      }
    }
    return current;
  }

  /** A Running trial after a look at its job: still running, or finished with its results. */
  private TrialRecord observe(Experiment spec, TrialRecord trial, Optional<JobRecord> found) {
    if (found.isEmpty()) {
      return trial.finished(
          TrialPhase.FAILED,
          null,
          Map.of(),
          List.of(),
          "Its job '" + trial.name() + "' was deleted before it finished",
          clock.instant());
    }
    JobRecord job = found.get();
    // A finished job's metrics are complete once its log is archived, which its release waits for.
    if (!job.phase().isTerminal() || !job.released()) {
      return trial;
    }
    Map<String, Double> values = metrics.values(spec, job.uid());
    List<Double> history = metrics.history(spec, job.uid());
    String metric = spec.objective().objectiveMetricName();
    Double objective = values.get(metric);
    if (trial.earlyStopped()) {
      return trial.finished(
          TrialPhase.EARLY_STOPPED, objective, values, history, trial.message(), clock.instant());
    }
    if (job.phase() != JobPhase.SUCCEEDED) {
      return trial.finished(
          TrialPhase.FAILED,
          objective,
          values,
          history,
          "Its job " + job.phase().wireName().toLowerCase() + ": " + job.message(),
          clock.instant());
    }
    if (objective == null) {
      return trial.finished(
          TrialPhase.METRICS_UNAVAILABLE,
          null,
          values,
          history,
          "Its job succeeded without reporting the objective metric '"
              + metric
              + "': expected a line such as '"
              + metric
              + "=0.5' in the output of its primary replica",
          clock.instant());
    }
    return trial.finished(TrialPhase.SUCCEEDED, objective, values, history, null, clock.instant());
  }

  /** The trial with its job submitted, or failed with the reason Capstan refused the job. */
  private record Submitted(TrialRecord trial, String refusal) {}

  private Submitted submit(ExperimentRecord experiment, Experiment spec, TrialRecord trial) {
    try {
      String text = new TrialRenderer(spec).renderYaml(trial.name(), null, trial.assignment());
      jobs.submit(
          experiment.project(),
          text,
          experiment.createdBy(),
          new Workload(
              TrainingJobKind.NAME,
              experiment.uid(),
              TrialCollectors.folder(spec.metricsCollector())
                  .map(CollectorFolder::kindData)
                  .orElse(null)));
      log.info(
          "Experiment {}/{}: trial {} submitted with {}",
          experiment.project(),
          experiment.name(),
          trial.name(),
          trial.assignment());
      return new Submitted(trial.running(), null);
    } catch (CapstanException e) {
      if (e.code() == ErrorCode.ALREADY_EXISTS) {
        // Another workload took the name: this trial fails, the next gets another name.
        String why = "Its job could not be submitted: " + e.getMessage();
        return new Submitted(failedAtOnce(trial, why), null);
      }
      // The template renders a job Capstan refuses (invalid, can never fit): so would every trial.
      String why =
          "Trial "
              + trial.name()
              + " was refused"
              + (e.field() == null ? "" : " at " + e.field())
              + ": "
              + e.getMessage();
      return new Submitted(failedAtOnce(trial, why), why);
    }
  }

  private TrialRecord failedAtOnce(TrialRecord trial, String why) {
    return trial.finished(TrialPhase.FAILED, null, Map.of(), List.of(), why, clock.instant());
  }

  /** Ends the experiment when its trials settle it: Katib's completion rules. */
  private ExperimentRecord settle(
      ExperimentRecord experiment, Experiment spec, List<TrialRecord> trials) {
    if (experiment.phase().isTerminal()) {
      return experiment;
    }
    String metric = spec.objective().objectiveMetricName();
    for (TrialRecord trial : trials) {
      if (trial.phase() == TrialPhase.METRICS_UNAVAILABLE) {
        return finishAndKill(
            experiment,
            trials,
            ExperimentPhase.FAILED,
            "ObjectiveMetricNotReported",
            "Trial "
                + trial.name()
                + " finished without reporting the objective metric '"
                + metric
                + "'; expected its primary replica to print lines such as '"
                + metric
                + "=0.5' (Katib's StdOut format), to write JSON lines to $CAPSTAN_METRICS_FILE"
                + " or TensorBoard events under $CAPSTAN_TENSORBOARD_DIR"
                + TrialCollectors.whereToWrite(spec.metricsCollector()));
      }
    }
    long failed = trials.stream().filter(t -> t.phase() == TrialPhase.FAILED).count();
    Integer maxFailed = spec.maxFailedTrialCount();
    if (maxFailed != null && failed > maxFailed) {
      return finishAndKill(
          experiment,
          trials,
          ExperimentPhase.FAILED,
          "MaxFailedTrialsReached",
          failed + " trials failed, more than maxFailedTrialCount " + maxFailed);
    }
    for (TrialRecord trial : trials) {
      boolean observed =
          trial.phase() == TrialPhase.SUCCEEDED || trial.phase() == TrialPhase.EARLY_STOPPED;
      if (observed
          && trial.objective() != null
          && spec.objective().reachesGoal(trial.objective())) {
        return finishAndKill(
            experiment,
            trials,
            ExperimentPhase.SUCCEEDED,
            "GoalReached",
            "Trial "
                + trial.name()
                + " reached the goal: "
                + metric
                + "="
                + trial.objective()
                + " ("
                + spec.objective().type().name().toLowerCase()
                + ", goal "
                + spec.objective().goal()
                + ")");
      }
    }
    long finished = trials.stream().filter(t -> t.phase().isFinished()).count();
    Integer max = spec.maxTrialCount();
    if (max != null && finished >= max) {
      return finishAndKill(
          experiment,
          trials,
          ExperimentPhase.SUCCEEDED,
          "MaxTrialsReached",
          finished + " trials finished, maxTrialCount " + max);
    }
    return experiment;
  }

  /** Stops the running trials that the median rule says are worse than the succeeded ones. */
  private void stopEarly(ExperimentRecord experiment, Experiment spec, List<TrialRecord> trials) {
    if (spec.earlyStopping() == null) {
      return;
    }
    List<Trial> state = new ArrayList<>();
    for (TrialRecord trial : trials) {
      List<Double> history =
          trial.phase() == TrialPhase.RUNNING && !trial.earlyStopped()
              ? liveHistory(experiment, spec, trial)
              : trial.history();
      state.add(asTrial(trial, trial.earlyStopped() ? TrialStatus.EARLY_STOPPED : null, history));
    }
    List<String> stop =
        MedianStoppingRule.of(spec).trialsToStop(new ExperimentState(experiment.seed(), state));
    for (int i = 0; i < trials.size(); i++) {
      TrialRecord trial = trials.get(i);
      if (!stop.contains(trial.name())) {
        continue;
      }
      TrialRecord stopped =
          trial.stoppedEarly(
              "Stopped early by the median rule: its best "
                  + spec.objective().objectiveMetricName()
                  + " so far is worse than the median of the succeeded trials' running averages");
      store.updateTrial(stopped);
      trials.set(i, stopped);
      try {
        jobs.cancel(experiment.project(), trial.name(), CONTROLLER);
      } catch (CapstanException e) {
        log.debug("Trial {} finished before it could be stopped: {}", trial.name(), e.getMessage());
      }
      log.info(
          "Experiment {}/{}: trial {} stopped early",
          experiment.project(),
          experiment.name(),
          trial.name());
    }
  }

  private List<Double> liveHistory(
      ExperimentRecord experiment, Experiment spec, TrialRecord trial) {
    return jobs.findOptional(experiment.project(), trial.name())
        .map(job -> metrics.history(spec, job.uid()))
        .orElse(List.of());
  }

  /** Keeps parallelTrialCount trials running, up to maxTrialCount, with the algorithm's picks. */
  private ExperimentRecord createTrials(
      ExperimentRecord experiment, Experiment spec, List<TrialRecord> trials) {
    long running = trials.stream().filter(t -> !t.phase().isFinished()).count();
    long slots = spec.parallelTrialCount() - running;
    if (spec.maxTrialCount() != null) {
      slots = Math.min(slots, spec.maxTrialCount() - trials.size());
    }
    if (slots <= 0) {
      return experiment;
    }
    List<Trial> state = new ArrayList<>();
    for (TrialRecord trial : trials) {
      state.add(asTrial(trial, null, trial.history()));
    }
    List<Assignment> suggested;
    try {
      suggested =
          SuggestionAlgorithms.create(spec)
              .suggest(new ExperimentState(experiment.seed(), state), (int) slots);
    } catch (SearchExhaustedException e) {
      return running == 0
          ? finishAndKill(
              experiment, trials, ExperimentPhase.SUCCEEDED, "SearchSpaceExhausted", e.getMessage())
          : experiment;
    }
    ExperimentRecord current = experiment;
    for (Assignment assignment : suggested) {
      TrialRecord trial =
          TrialRecord.pending(
              experiment.uid(),
              trials.size(),
              experiment.name() + "-" + suffix(),
              assignment.values(),
              clock.instant());
      if (!store.insertTrial(trial)) {
        return current; // Someone stored this index first: read again next time.
      }
      trials.add(trial);
      if (current.phase() == ExperimentPhase.CREATED) {
        current =
            transition(
                current,
                ExperimentPhase.RUNNING,
                "ExperimentRunning",
                "Running trials with " + spec.algorithm().algorithmName());
      }
      Submitted submitted = submit(current, spec, trial);
      store.updateTrial(submitted.trial());
      trials.set(trials.size() - 1, submitted.trial());
      if (submitted.refusal() != null) {
        return finishAndKill(
            current, trials, ExperimentPhase.FAILED, "TrialRefused", submitted.refusal());
      }
    }
    return current;
  }

  /** How the suggestion algorithms see a stored trial. */
  private static Trial asTrial(TrialRecord trial, TrialStatus status, List<Double> history) {
    TrialStatus seen =
        status != null
            ? status
            : switch (trial.phase()) {
              case PENDING, RUNNING -> TrialStatus.RUNNING;
              case SUCCEEDED -> TrialStatus.SUCCEEDED;
              case EARLY_STOPPED -> TrialStatus.EARLY_STOPPED;
              case FAILED, METRICS_UNAVAILABLE, KILLED -> TrialStatus.FAILED;
            };
    return new Trial(
        trial.name(), new Assignment(trial.assignment()), seen, trial.objective(), history);
  }

  /** Finishes the experiment and kills its unfinished trials (their jobs are cancelled). */
  private ExperimentRecord finishAndKill(
      ExperimentRecord experiment,
      List<TrialRecord> trials,
      ExperimentPhase phase,
      String reason,
      String message) {
    ExperimentRecord finished = finish(experiment, phase, reason, message);
    for (int i = 0; i < trials.size(); i++) {
      TrialRecord trial = trials.get(i);
      if (trial.phase().isFinished()) {
        continue;
      }
      TrialRecord killed =
          trial.finished(
              TrialPhase.KILLED,
              trial.objective(),
              trial.metrics(),
              trial.history(),
              "The experiment finished (" + reason + ") before this trial did",
              clock.instant());
      store.updateTrial(killed);
      trials.set(i, killed);
      try {
        jobs.cancel(experiment.project(), trial.name(), CONTROLLER);
      } catch (CapstanException e) {
        log.debug("Trial {} needed no cancel: {}", trial.name(), e.getMessage());
      }
    }
    return finished;
  }

  private ExperimentRecord finish(
      ExperimentRecord experiment, ExperimentPhase phase, String reason, String message) {
    ExperimentRecord done = transition(experiment, phase, reason, message);
    log.info("Experiment {}/{} {}: {}", experiment.project(), experiment.name(), reason, message);
    return done;
  }

  /**
   * Saves a phase change; when an API call changed the experiment meanwhile (a stop, a delete), the
   * change is dropped and the call fails, so the next pass decides again over a fresh read.
   */
  private ExperimentRecord transition(
      ExperimentRecord experiment, ExperimentPhase phase, String reason, String message) {
    ExperimentRecord next = experiment.transition(phase, reason, message, clock.instant());
    if (!store.update(experiment, next)) {
      throw new IllegalStateException(
          "Experiment '" + experiment.name() + "' changed while it was reconciled; trying again");
    }
    return store.findByUid(experiment.uid()).orElseThrow();
  }

  private String suffix() {
    StringBuilder suffix = new StringBuilder(8);
    for (int i = 0; i < 8; i++) {
      suffix.append(NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
    }
    return suffix.toString();
  }
}
