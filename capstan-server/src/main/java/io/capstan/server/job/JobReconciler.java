package io.capstan.server.job;

import io.capstan.api.error.CapstanException;
import io.capstan.api.job.JobEvent;
import io.capstan.api.job.JobPhase;
import io.capstan.api.job.ReplicaStatus;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.WorkloadRuntime;
import io.capstan.server.control.WorkQueue;
import io.capstan.server.logs.LogShipper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job controller, one key at a time: for a job's uid, observe its replicas in the runtime,
 * decide by the lifecycle and restart policy, act (launch, stop, release, delete) and record
 * status; for {@link #ADMISSION}, run a scheduler cycle over the live jobs ({@link JobAdmitter})
 * and expire finished jobs. Level-triggered and idempotent; all state is in the store and the
 * runtime, so a restarted server picks up where the last one stopped. It is the only caller of the
 * runtime for jobs: API threads record intent (cancel, delete) in the store and enqueue the job.
 */
public final class JobReconciler {
  private static final Logger log = LoggerFactory.getLogger(JobReconciler.class);

  /** The key of the scheduler cycle; job uids are DNS labels, so no job has it. */
  static final String ADMISSION = "@admission";

  /** How soon a succeeded job whose listeners are still at work is looked at again. */
  static final Duration LISTENER_RETRY = Duration.ofMillis(250);

  private final JobStore store;
  private final WorkloadRuntime runtime;
  private final JobLauncher launcher;
  private final JobAdmitter admitter;
  private final JobJanitor janitor;
  private final WorkloadKinds kinds;
  private final Clock clock;
  private final Duration stopGrace;
  private final List<SucceededJobListener> listeners;
  private final WorkQueue<String> queue;
  private final ReplicaObservations observations;
  private final LogShipper logs;
  private final Map<String, CompletableFuture<Void>> deletions = new ConcurrentHashMap<>();
  private final Set<String> stopping = ConcurrentHashMap.newKeySet();
  private final Map<String, List<ReplicaStatus>> recorded = new ConcurrentHashMap<>();

  JobReconciler(
      JobStore store,
      WorkloadRuntime runtime,
      JobLauncher launcher,
      JobAdmitter admitter,
      JobJanitor janitor,
      WorkloadKinds kinds,
      Clock clock,
      Duration stopGrace,
      List<SucceededJobListener> listeners,
      WorkQueue<String> queue,
      ReplicaObservations observations,
      LogShipper logs) {
    this.store = store;
    this.runtime = runtime;
    this.launcher = launcher;
    this.admitter = admitter;
    this.janitor = janitor;
    this.kinds = kinds;
    this.clock = clock;
    this.stopGrace = stopGrace;
    this.listeners = List.copyOf(listeners);
    this.queue = queue;
    this.observations = observations;
    this.logs = logs;
  }

  /** Reconciles one key: a job's uid, or {@link #ADMISSION}. */
  Optional<Duration> reconcile(String key) {
    if (ADMISSION.equals(key)) {
      admit();
    } else {
      store.findByUid(key).ifPresentOrElse(this::reconcile, () -> finishDeletion(key));
    }
    return Optional.empty();
  }

  /** What a resync looks at: the scheduler cycle and every live job. */
  List<String> resyncKeys() {
    List<String> keys = new ArrayList<>();
    keys.add(ADMISSION);
    store.listLive().forEach(job -> keys.add(job.uid()));
    return keys;
  }

  /** Completes once the job {@code uid}, asked to be deleted, is gone. */
  CompletableFuture<Void> deleted(String uid) {
    CompletableFuture<Void> done = deletions.computeIfAbsent(uid, key -> new CompletableFuture<>());
    if (store.findByUid(uid).isEmpty()) {
      finishDeletion(uid);
    }
    return done;
  }

  private void admit() {
    JobAdmitter.Outcome outcome = admitter.admit(store.listLive());
    outcome.started().forEach(queue::add);
    outcome.preempted().forEach(queue::add);
    janitor.expire();
  }

  private void reconcile(JobRecord job) {
    if (job.deleting()) {
      delete(job);
      return;
    }
    if (job.phase() == JobPhase.QUEUED) {
      if (JobScheduling.preemptedAndStopping(job)) {
        drainPreempted(job);
      }
      return;
    }
    if (job.phase().isTerminal() && job.released()) {
      return; // Nothing left to do until its TTL or a delete.
    }
    Map<String, ReplicaObservation> observed = observe(job);
    if (job.phase().isTerminal()) {
      finish(job, observed);
      return;
    }
    recordReplicas(job, observed);
    if (admitter.requeueIfReclaimed(job)) {
      queue.add(job.uid()); // Stops what still runs, then frees its nodes for the queue.
      return;
    }
    switch (job.phase()) {
      case STARTING, RUNNING -> reconcileActive(job, observed);
      case RESTARTING -> reconcileRestarting(job, observed);
      default -> throw new IllegalStateException("unexpected phase " + job.phase());
    }
  }

  private void reconcileActive(JobRecord job, Map<String, ReplicaObservation> current) {
    Map<String, ReplicaObservation> observed = current;
    try {
      if (observed.size() < job.spec().replicaCount()) {
        // A relaunch replaces the earlier attempt and its log: archive that first.
        logs.drain(runtime.observe(job.uid()));
      }
      if (launcher.launchMissing(job, observed.keySet()) > 0) {
        observed = observe(job);
        recordReplicas(job, observed);
      }
    } catch (CapstanException e) {
      transition(job, JobPhase.FAILED, "LaunchFailed", e.getMessage());
      return;
    }
    if (failIfPastDeadline(job)) {
      return;
    }
    WorkloadKind kind = kinds.of(job);
    if (kind.succeeded(job, observed)) {
      transition(job, JobPhase.SUCCEEDED, "Succeeded", kind.successMessage(job, observed));
      return;
    }
    ReplicaObservation failed = firstFailure(observed, kind.longRunning());
    if (failed != null) {
      onFailure(job, failed);
      return;
    }
    boolean allRunning =
        observed.size() == job.spec().replicaCount()
            && observed.values().stream()
                .allMatch(
                    o ->
                        o.phase() == io.capstan.runtime.ReplicaPhase.RUNNING
                            || o.phase() == io.capstan.runtime.ReplicaPhase.SUCCEEDED);
    if (job.phase() == JobPhase.STARTING && allRunning) {
      transition(
          job,
          JobPhase.RUNNING,
          "AllReplicasRunning",
          "All "
              + job.spec().replicaCount()
              + " replicas are running (attempt "
              + job.attempt()
              + ")");
    }
  }

  private void onFailure(JobRecord job, ReplicaObservation failed) {
    WorkloadKind.Verdict verdict = kinds.of(job).onFailure(job, failed, describeExit(failed));
    if (verdict.restart()) {
      JobRecord restarting = job.launched(job.attempt(), job.restarts() + 1, job.placement());
      transition(restarting, JobPhase.RESTARTING, verdict.reason(), verdict.message());
    } else {
      transition(job, JobPhase.FAILED, verdict.reason(), verdict.message());
    }
  }

  private void reconcileRestarting(JobRecord job, Map<String, ReplicaObservation> observed) {
    if (failIfPastDeadline(job)) {
      return; // Relaunching would only start replicas that are stopped again at once.
    }
    if (stopAll(job, observed)) {
      return; // Wait until every replica of the failed attempt has exited.
    }
    JobRecord next = job.launched(job.attempt() + 1, job.restarts(), job.placement());
    next =
        next.launched(
            next.attempt(), next.restarts(), launcher.reserveEndpoints(next, next.placement()));
    transition(
        next,
        JobPhase.STARTING,
        "Restarted",
        "Relaunching all "
            + job.spec().replicaCount()
            + " replicas (attempt "
            + next.attempt()
            + ")");
  }

  /**
   * A preempted job waits in the queue while its replicas stop; once they are gone it gives its
   * placement back, so the scheduler can hand the resources to the preemptor.
   */
  private void drainPreempted(JobRecord job) {
    recordReplicas(job, observe(job));
    if (stopAll(job, observe(job))) {
      return;
    }
    releaseRuntime(job);
    save(job.launched(job.attempt(), job.restarts(), Placement.NONE), null);
    stopping.removeIf(key -> key.startsWith(job.uid() + "."));
    queue.add(ADMISSION); // What it held is free for the preemptor.
  }

  /** Stops what still runs of a finished job, then lets the runtime forget it. */
  private void finish(JobRecord job, Map<String, ReplicaObservation> observed) {
    recordReplicas(job, observed);
    if (stopAll(job, observed)) {
      return;
    }
    if (job.phase() == JobPhase.SUCCEEDED) {
      // Before the release, so a crash in between makes the next server call them again.
      for (SucceededJobListener listener : listeners) {
        if (!listener.jobSucceeded(job)) {
          queue.addAfter(job.uid(), LISTENER_RETRY);
          return;
        }
      }
    }
    releaseRuntime(job);
    save(job.markReleased(), null);
    forget(job.uid());
    queue.add(ADMISSION); // What it held is free for the queue.
  }

  /**
   * Carries out a deletion asked for through the API or by another controller: stops the replicas,
   * lets the runtime forget them, then removes the job with its logs and files.
   */
  private void delete(JobRecord job) {
    recordReplicas(job, observe(job));
    if (stopAll(job, observe(job))) {
      return;
    }
    runtime.release(job.uid());
    janitor.delete(job);
    forget(job.uid());
    finishDeletion(job.uid());
    queue.add(ADMISSION);
    log.info("Job {}/{} deleted", job.project(), job.name());
  }

  /** Archives the rest of the replicas' logs, then lets the runtime forget them. */
  private void releaseRuntime(JobRecord job) {
    logs.drain(runtime.observe(job.uid()));
    runtime.release(job.uid());
  }

  private void finishDeletion(String uid) {
    CompletableFuture<Void> waiting = deletions.remove(uid);
    if (waiting != null) {
      waiting.complete(null);
    }
  }

  private void forget(String uid) {
    recorded.remove(uid);
    observations.forget(uid);
    stopping.removeIf(key -> key.startsWith(uid + "."));
  }

  /** Asks the runtime to stop every live replica once; true while some are still alive. */
  private boolean stopAll(JobRecord job, Map<String, ReplicaObservation> observed) {
    boolean alive = false;
    for (ReplicaObservation o : runtime.observe(job.uid())) {
      if (!o.phase().isFinished()) {
        alive = true;
        if (stopping.add(o.id().key() + "#" + o.attempt())) {
          runtime.terminate(o.id(), stopGrace);
        }
      }
    }
    return alive;
  }

  private Map<String, ReplicaObservation> observe(JobRecord job) {
    Map<String, ReplicaObservation> current = new LinkedHashMap<>();
    for (ReplicaObservation o : runtime.observe(job.uid())) {
      if (o.attempt() == job.attempt()) {
        current.put(o.id().replica(), o);
      }
    }
    observations.put(job.uid(), current);
    return current;
  }

  private void recordReplicas(JobRecord job, Map<String, ReplicaObservation> observed) {
    // After a restart, what the last server recorded: it tells the replicas Capstan stopped.
    List<ReplicaStatus> previous = recorded.computeIfAbsent(job.uid(), store::replicas);
    List<ReplicaStatus> statuses = ReplicaStatuses.of(job, observed, previous);
    if (!statuses.equals(previous)) {
      store.replaceReplicas(job.uid(), statuses);
      recorded.put(job.uid(), statuses);
    }
  }

  private void transition(JobRecord job, JobPhase next, String reason, String message) {
    Instant now = clock.instant();
    JobRecord updated = job.transition(next, reason, message, now);
    if (save(updated, new JobEvent(now, next, reason, message))) {
      queue.add(job.uid()); // The next step (stop, release, relaunch) need not wait for a resync.
      log.info(
          "Job {}/{} {} -> {}: {}",
          job.project(),
          job.name(),
          job.phase().wireName(),
          next.wireName(),
          message);
    }
  }

  /**
   * Fails the job once it has been admitted for longer than its {@code activeDeadlineSeconds}. The
   * time counts from the admission of its current run: a preemption stops the clock and a
   * readmission starts it again, as Kubernetes resets a suspended Job's start time.
   */
  private boolean failIfPastDeadline(JobRecord job) {
    Long deadline = job.spec().activeDeadlineSeconds();
    Instant since = job.runs().runStartedAt() != null ? job.runs().runStartedAt() : job.startedAt();
    if (deadline == null
        || since == null
        || !clock.instant().isAfter(since.plusSeconds(deadline))) {
      return false;
    }
    transition(
        job,
        JobPhase.FAILED,
        "DeadlineExceeded",
        "Job ran longer than activeDeadlineSeconds=" + deadline);
    return true;
  }

  /**
   * The first replica that failed or was lost; for a long-running kind also one that exited with 0,
   * since it should run until stopped (a Deployment's {@code restartPolicy: Always}).
   */
  private static ReplicaObservation firstFailure(
      Map<String, ReplicaObservation> observed, boolean longRunning) {
    return observed.values().stream()
        .filter(
            o ->
                o.phase() == io.capstan.runtime.ReplicaPhase.FAILED
                    || o.phase() == io.capstan.runtime.ReplicaPhase.LOST
                    || (longRunning && o.phase() == io.capstan.runtime.ReplicaPhase.SUCCEEDED))
        .findFirst()
        .orElse(null);
  }

  private static String describeExit(ReplicaObservation o) {
    String text =
        "replica "
            + o.id().replica()
            + (o.exitCode() == null ? " was lost" : " exited with code " + o.exitCode());
    return o.message() == null ? text : text + " (" + o.message() + ")";
  }

  /**
   * Saves {@code next} over the version it was read at; when another writer (a cancel, a delete)
   * saved the job first, looks at the job again at once instead.
   */
  private boolean save(JobRecord next, JobEvent event) {
    if (store.update(next, event)) {
      return true;
    }
    queue.add(next.uid());
    return false;
  }
}
