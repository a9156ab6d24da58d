package io.capstan.server.job;

import io.capstan.api.job.JobEvent;
import io.capstan.api.job.JobPhase;
import io.capstan.api.job.Resources;
import io.capstan.runtime.Node;
import io.capstan.runtime.WorkloadRuntime;
import io.capstan.scheduler.Admission;
import io.capstan.scheduler.CycleResult;
import io.capstan.scheduler.Preemption;
import io.capstan.scheduler.QueueSpec;
import io.capstan.scheduler.Scheduler;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one scheduler cycle over the live jobs and acts on it: starts admitted gangs (Queued to
 * Starting), sends preempted jobs back to the queue (their replicas stop gracefully and keep their
 * checkpoints), and records why every other queued job waits.
 */
final class JobAdmitter {
  private static final Logger log = LoggerFactory.getLogger(JobAdmitter.class);

  private final JobStore store;
  private final WorkloadRuntime runtime;
  private final Scheduler scheduler;
  private final Supplier<Map<String, QueueSpec>> queues;
  private final JobLauncher launcher;
  private final WorkloadKinds kinds;
  private final Clock clock;
  private final AdmissionEvents events;
  private final ClusterGrowth growth;

  JobAdmitter(
      JobStore store,
      WorkloadRuntime runtime,
      Scheduler scheduler,
      Supplier<Map<String, QueueSpec>> queues,
      JobLauncher launcher,
      WorkloadKinds kinds,
      Clock clock,
      AdmissionEvents events) {
    this.store = store;
    this.runtime = runtime;
    this.scheduler = scheduler;
    this.queues = queues;
    this.launcher = launcher;
    this.kinds = kinds;
    this.clock = clock;
    this.events = events;
    this.growth = new ClusterGrowth(runtime, scheduler, events);
  }

  /** The jobs a cycle started and the ones it preempted: the controller looks at them next. */
  record Outcome(List<String> started, List<String> preempted) {
    static final Outcome NOTHING = new Outcome(List.of(), List.of());
  }

  /**
   * One cycle over the live jobs. A job being deleted was cancelled first, so it is never admitted
   * or preempted; what it holds counts until its replicas are gone.
   */
  Outcome admit(List<JobRecord> live) {
    if (live.stream().noneMatch(j -> j.phase() == JobPhase.QUEUED && !j.holdsResources())) {
      growth.waiting(List.of(), List.of(), Map.of());
      return Outcome.NOTHING;
    }
    List<Node> nodes = runtime.nodes();
    Instant now = clock.instant();
    CycleResult result =
        scheduler.runOnce(JobScheduling.state(nodes, live, queues.get(), now, kinds), now);
    Map<String, JobRecord> byUid = new LinkedHashMap<>();
    live.forEach(job -> byUid.put(job.uid(), job));
    Map<String, String> growing =
        growth.waiting(result.unplaceable(), JobScheduling.nodeSpecs(nodes), byUid);
    List<String> started = new ArrayList<>();
    for (Admission admission : result.admitted()) {
      if (start(byUid.get(admission.workloadId()), admission, nodes)) {
        started.add(admission.workloadId());
      }
    }
    List<String> preempted =
        result.preemptions().stream()
            .filter(p -> preempt(byUid.get(p.victimId()), p, byUid))
            .map(Preemption::victimId)
            .toList();
    result
        .pendingReasons()
        .forEach(
            (uid, reason) -> {
              JobRecord job = byUid.get(uid);
              String readable =
                  JobNames.inReason(reason, byUid)
                      + (growing.containsKey(uid) ? "; " + growing.get(uid) : "");
              if (job != null && !Objects.equals(job.message(), readable)) {
                store.update(job.explain("Pending", readable), null);
              }
            });
    return new Outcome(started, preempted);
  }

  private boolean start(JobRecord job, Admission admission, List<Node> nodes) {
    Placement placement =
        new Placement(JobScheduling.placement(job, admission.allocations(), nodes));
    boolean resumed = job.attempt() > 0;
    JobRecord admitted =
        job.launched(job.attempt() + 1, job.restarts(), placement)
            .withRuns(job.runs().started(clock.instant()));
    admitted =
        admitted.launched(
            admitted.attempt(),
            admitted.restarts(),
            launcher.reserveEndpoints(admitted, admitted.placement()));
    Instant now = clock.instant();
    Resources total = job.spec().totalResources();
    String message =
        (resumed ? "Admitted again, resuming from its checkpoint: " : "Admitted: ")
            + "all "
            + job.spec().replicaCount()
            + " replicas placed ("
            + total
            + ")"
            + (admission.borrowing() ? ", borrowing unused quota of other projects" : "")
            + "; launching";
    JobRecord starting = admitted.transition(JobPhase.STARTING, "Admitted", message, now);
    boolean saved =
        store.update(starting, new JobEvent(now, JobPhase.STARTING, "Admitted", message));
    if (saved) {
      events.admitted(job.project(), job.kind());
    }
    return saved;
  }

  /**
   * Sends a started job back to the queue when a node it holds was taken back by the cloud
   * (decision 124): its replicas there are gone or about to be, the others stop gracefully, it
   * resumes from its checkpoint when admitted again, and neither its restarts nor its backoff limit
   * count it.
   *
   * @return whether it went back to the queue
   */
  boolean requeueIfReclaimed(JobRecord job) {
    Set<String> reclaimed = runtime.reclaimedNodes();
    if (reclaimed.isEmpty()) {
      return false;
    }
    List<String> lost =
        job.holdings().stream()
            .map(ReplicaHolding::node)
            .filter(reclaimed::contains)
            .distinct()
            .sorted()
            .toList();
    if (lost.isEmpty()) {
      return false;
    }
    Instant now = clock.instant();
    String message =
        (lost.size() == 1
                ? "Node " + lost.get(0) + " was"
                : "Nodes " + String.join(", ", lost) + " were")
            + " taken back by the cloud; stopping the other replicas gracefully, checkpoints kept,"
            + " back in the queue (not counted as a restart)";
    long gpuMilli = JobScheduling.workload(job).total().gpuMilli();
    JobRecord queued =
        job.transition(JobPhase.QUEUED, "NodeReclaimed", message, now)
            .withRuns(job.runs().preempted(now, gpuMilli));
    boolean saved =
        store.update(queued, new JobEvent(now, JobPhase.QUEUED, "NodeReclaimed", message));
    if (saved) {
      events.reclaimed(job.project(), job.kind());
      log.info("Job {}/{} requeued: {}", job.project(), job.name(), message);
    }
    return true;
  }

  private boolean preempt(JobRecord job, Preemption preemption, Map<String, JobRecord> byUid) {
    if (job == null || job.phase() == JobPhase.QUEUED || job.phase().isTerminal()) {
      return false;
    }
    Instant now = clock.instant();
    String message =
        JobNames.inReason(preemption.reason(), byUid)
            + "; stopping gracefully, checkpoints kept, back in the queue";
    long gpuMilli = JobScheduling.workload(job).total().gpuMilli();
    JobRecord queued =
        job.transition(JobPhase.QUEUED, "Preempted", message, now)
            .withRuns(job.runs().preempted(now, gpuMilli));
    boolean saved = store.update(queued, new JobEvent(now, JobPhase.QUEUED, "Preempted", message));
    if (saved) {
      events.preempted(job.project(), job.kind());
      log.info("Job {}/{} preempted: {}", job.project(), job.name(), message);
    }
    return saved;
  }
}
