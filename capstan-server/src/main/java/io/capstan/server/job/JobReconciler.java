package io.capstan.server.job;

import io.capstan.api.error.CapstanException;
import io.capstan.api.job.JobEvent;
import io.capstan.api.job.JobPhase;
import io.capstan.api.job.ReplicaStatus;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.WorkloadRuntime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job controller: for every live job, observe its replicas in the runtime, decide by the
 * lifecycle and restart policy, act (launch, stop, release) and record status. Level-triggered and
 * idempotent; all state is in the store and the runtime, so a restarted server picks up where the
 * last one stopped. Admission of queued jobs is delegated to {@link JobAdmitter}.
 */
public final class JobReconciler {
  private static final Logger log = LoggerFactory.getLogger(JobReconciler.class);

  private final JobStore store;
  private final WorkloadRuntime runtime;
  private final JobLauncher launcher;
  private final JobAdmitter admitter;
  private final JobJanitor janitor;
  private final Clock clock;
  private final Duration stopGrace;
  private final List<SucceededJobListener> listeners;
  private final Set<String> stopping = ConcurrentHashMap.newKeySet();
  private final Map<String, List<ReplicaStatus>> recorded = new ConcurrentHashMap<>();

  JobReconciler(
      JobStore store,
      WorkloadRuntime runtime,
      JobLauncher launcher,
      JobAdmitter admitter,
      JobJanitor janitor,
      Clock clock,
      Duration stopGrace,
      List<SucceededJobListener> listeners) {
    this.store = store;
    this.runtime = runtime;
    this.launcher = launcher;
    this.admitter = admitter;
    this.janitor = janitor;
    this.clock = clock;
    this.stopGrace = stopGrace;
    this.listeners = List.copyOf(listeners);
  }

  /** One pass over every live job: admit, reconcile, release, expire. */
  public synchronized void runOnce() {
    List<JobRecord> live = store.listLive();
    admitter.admit(live).forEach(this::stop);
    for (JobRecord job : store.listLive()) {
      try {
        reconcile(job);
      } catch (RuntimeException e) {
        log.error("Reconciling job {} ({}) failed; will retry", job.name(), job.uid(), e);
      }
    }
    janitor.expire();
  }

  private void reconcile(JobRecord job) {
    if (job.phase() == JobPhase.QUEUED) {
      if (JobScheduling.preemptedAndStopping(job)) {
        drainPreempted(job);
      }
      return;
    }
    Map<String, ReplicaObservation> observed = observe(job);
    if (job.phase().isTerminal()) {
      finish(job, observed);
      return;
    }
    recordReplicas(job, observed);
    switch (job.phase()) {
      case STARTING, RUNNING -> reconcileActive(job, observed);
      case RESTARTING -> reconcileRestarting(job, observed);
      default -> throw new IllegalStateException("unexpected phase " + job.phase());
    }
  }

  private void reconcileActive(JobRecord job, Map<String, ReplicaObservation> current) {
    Map<String, ReplicaObservation> observed = current;
    try {
      if (launcher.launchMissing(job, observed.keySet()) > 0) {
        observed = observe(job);
        recordReplicas(job, observed);
      }
    } catch (CapstanException e) {
      transition(job, JobPhase.FAILED, "LaunchFailed", e.getMessage());
      return;
    }
    Instant now = clock.instant();
    Long deadline = job.spec().activeDeadlineSeconds();
    if (deadline != null
        && job.startedAt() != null
        && now.isAfter(job.startedAt().plusSeconds(deadline))) {
      transition(
          job,
          JobPhase.FAILED,
          "DeadlineExceeded",
          "Job ran longer than activeDeadlineSeconds=" + deadline);
      return;
    }
    if (SuccessPolicy.succeeded(job.spec(), observed)) {
      transition(
          job,
          JobPhase.SUCCEEDED,
          "Succeeded",
          SuccessPolicy.message(job.spec(), observed, job.restarts()));
      return;
    }
    ReplicaObservation failed = firstFailure(observed);
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
    String replica = failed.id().replica();
    var group =
        Rendezvous.replicas(job.spec()).stream()
            .filter(r -> r.name().equals(replica))
            .findFirst()
            .orElseThrow()
            .group();
    String what = describeExit(failed);
    int exitCode = failed.exitCode() == null ? 137 : failed.exitCode();
    if (!group.restartPolicy().restarts(exitCode)) {
      transition(
          job,
          JobPhase.FAILED,
          "ReplicaFailed",
          what + "; restartPolicy " + group.restartPolicy().wireName() + " does not restart it");
    } else if (job.restarts() >= job.spec().backoffLimit()) {
      transition(
          job,
          JobPhase.FAILED,
          "BackoffLimitExceeded",
          what
              + "; the job was already restarted "
              + job.restarts()
              + " times (backoffLimit "
              + job.spec().backoffLimit()
              + ")");
    } else {
      JobRecord restarting = job.launched(job.attempt(), job.restarts() + 1, job.placement());
      transition(
          restarting,
          JobPhase.RESTARTING,
          "ReplicaFailed",
          what
              + "; restarting every replica (restart "
              + (job.restarts() + 1)
              + " of at most "
              + job.spec().backoffLimit()
              + "), checkpoints kept");
    }
  }

  private void reconcileRestarting(JobRecord job, Map<String, ReplicaObservation> observed) {
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
    runtime.release(job.uid());
    store.update(
        job.launched(job.attempt(), job.restarts(), Placement.NONE), JobPhase.QUEUED, null);
    stopping.removeIf(key -> key.startsWith(job.uid() + "."));
  }

  /** Stops what still runs of a finished job, then lets the runtime forget it. */
  private void finish(JobRecord job, Map<String, ReplicaObservation> observed) {
    recordReplicas(job, observed);
    if (stopAll(job, observed)) {
      return;
    }
    if (job.phase() == JobPhase.SUCCEEDED) {
      // Before the release, so a crash in between makes the next server call them again.
      listeners.forEach(listener -> listener.jobSucceeded(job));
    }
    runtime.release(job.uid());
    store.update(job.markReleased(), job.phase(), null);
    recorded.remove(job.uid());
    stopping.removeIf(key -> key.startsWith(job.uid() + "."));
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
    if (store.update(updated, job.phase(), new JobEvent(now, next, reason, message))) {
      log.info(
          "Job {}/{} {} -> {}: {}",
          job.project(),
          job.name(),
          job.phase().wireName(),
          next.wireName(),
          message);
    }
  }

  private static ReplicaObservation firstFailure(Map<String, ReplicaObservation> observed) {
    return observed.values().stream()
        .filter(
            o ->
                o.phase() == io.capstan.runtime.ReplicaPhase.FAILED
                    || o.phase() == io.capstan.runtime.ReplicaPhase.LOST)
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

  /** Stops a job's replicas now (cancel, delete); the controller finishes the rest. */
  void stop(String uid) {
    for (ReplicaObservation o : runtime.observe(uid)) {
      if (!o.phase().isFinished() && stopping.add(o.id().key() + "#" + o.attempt())) {
        runtime.terminate(new ReplicaId(uid, o.id().replica()), stopGrace);
      }
    }
  }
}
