package io.capstan.server.job;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.job.JobEvent;
import io.capstan.api.job.JobPhase;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.JobStatus;
import io.capstan.api.job.JobView;
import io.capstan.api.job.ReplicaStatus;
import io.capstan.api.job.ReplicaTypeStatus;
import io.capstan.api.job.SubmitResponse;
import io.capstan.jobspec.JobSpecParser;
import io.capstan.runtime.RuntimeCapabilities;
import io.capstan.runtime.WorkloadRuntime;
import io.capstan.scheduler.QueueSpec;
import io.capstan.scheduler.Scheduler;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.springframework.dao.DuplicateKeyException;

/** Submits, reads, cancels and deletes jobs; the controller loop does the rest. */
public final class JobService {
  private final JobStore store;
  private final JobSpecParser parser;
  private final Scheduler scheduler;
  private final Supplier<Map<String, QueueSpec>> queues;
  private final WorkloadRuntime runtime;
  private final JobDirectories dirs;
  private final JobControlLoop controller;
  private final JobJanitor janitor;
  private final Clock clock;

  JobService(
      JobStore store,
      JobSpecParser parser,
      Scheduler scheduler,
      Supplier<Map<String, QueueSpec>> queues,
      WorkloadRuntime runtime,
      JobDirectories dirs,
      JobControlLoop controller,
      JobJanitor janitor,
      Clock clock) {
    this.store = store;
    this.parser = parser;
    this.scheduler = scheduler;
    this.queues = queues;
    this.runtime = runtime;
    this.dirs = dirs;
    this.controller = controller;
    this.janitor = janitor;
    this.clock = clock;
  }

  /** Validates and stores a job as Queued; a rejected spec stores nothing. */
  public SubmitResponse submit(String project, String text) {
    return submit(project, parser.parse(text));
  }

  /**
   * Stores a job built by another controller (e.g. a serving replica) as Queued, with the same
   * checks as a submitted spec.
   */
  public SubmitResponse submit(String project, JobSpec spec) {
    String uid =
        spec.name() + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    Instant now = clock.instant();
    JobRecord candidate =
        new JobRecord(
            uid,
            project,
            spec.name(),
            spec,
            JobPhase.QUEUED,
            null,
            null,
            now,
            null,
            null,
            0,
            0,
            Placement.NONE,
            false,
            null);
    scheduler
        .neverFits(
            JobScheduling.workload(candidate),
            JobScheduling.nodeSpecs(runtime.nodes()),
            queues.get())
        .ifPresent(
            why -> {
              throw new CapstanException(
                  ErrorCode.EXCEEDS_CAPACITY,
                  "spec.replicas",
                  "Job '" + spec.name() + "' can never start: " + why);
            });
    JobRecord job =
        new JobRecord(
            uid,
            project,
            spec.name(),
            spec,
            JobPhase.QUEUED,
            "Queued",
            "waiting for admission",
            now,
            null,
            null,
            0,
            0,
            Placement.NONE,
            false,
            null);
    try {
      store.insert(
          job,
          ReplicaStatuses.of(job, java.util.Map.of()),
          new JobEvent(
              now,
              JobPhase.QUEUED,
              "Submitted",
              "Job submitted as "
                  + spec.sourceKind()
                  + " with "
                  + spec.replicaCount()
                  + " replicas ("
                  + spec.totalResources()
                  + ")"));
    } catch (DuplicateKeyException e) {
      throw new CapstanException(
          ErrorCode.ALREADY_EXISTS,
          "metadata.name",
          "Job '"
              + spec.name()
              + "' already exists in project '"
              + project
              + "'; delete it first or choose another name",
          e);
    }
    controller.wake();
    return new SubmitResponse(spec.name(), project, uid, JobPhase.QUEUED);
  }

  public List<JobView> list(String project) {
    List<JobView> views = new ArrayList<>();
    Map<String, List<JobEvent>> events = store.eventsOfProject(project);
    for (JobRecord job : store.list(project)) {
      views.add(view(job, events.getOrDefault(job.uid(), List.of()), false));
    }
    return views;
  }

  /** The project's jobs as stored, for controllers that own some of them. */
  public List<JobRecord> records(String project) {
    return store.list(project);
  }

  /** Every job of every project, as stored. */
  public List<JobRecord> allRecords() {
    return store.listAll();
  }

  public JobView get(String project, String name) {
    return view(find(project, name), true);
  }

  public java.util.Optional<JobRecord> findOptional(String project, String name) {
    return store.find(project, name);
  }

  public JobRecord find(String project, String name) {
    return store
        .find(project, name)
        .orElseThrow(
            () ->
                CapstanException.notFound(
                    "Job '" + name + "' not found in project '" + project + "'"));
  }

  /** Cancels a job that has not finished; its replicas get SIGTERM, then SIGKILL. */
  public JobView cancel(String project, String name, String user) {
    for (int attempt = 0; attempt < 5; attempt++) {
      JobRecord job = find(project, name);
      if (job.phase().isTerminal()) {
        throw new CapstanException(
            ErrorCode.INVALID_STATE,
            "Job '" + name + "' already finished as " + job.phase().wireName());
      }
      Instant now = clock.instant();
      String message = "Cancelled by " + user;
      JobRecord cancelled = job.transition(JobPhase.CANCELLED, "Cancelled", message, now);
      if (store.update(
          cancelled, job.phase(), new JobEvent(now, JobPhase.CANCELLED, "Cancelled", message))) {
        controller.stopReplicas(job.uid());
        controller.wake();
        return get(project, name);
      }
    }
    throw new CapstanException(
        ErrorCode.UNAVAILABLE, "Job '" + name + "' kept changing while being cancelled; try again");
  }

  /** Deletes a job with its logs and files, stopping its replicas first. */
  public void delete(String project, String name) {
    JobRecord job = find(project, name);
    controller.release(job.uid());
    janitor.delete(job);
  }

  public JobView view(JobRecord job, boolean withEvents) {
    return view(job, store.events(job.uid()), withEvents);
  }

  /** The view of {@code job} with its {@code events}, shown only {@code withEvents}. */
  private JobView view(JobRecord job, List<JobEvent> events, boolean withEvents) {
    List<ReplicaStatus> replicas = store.replicas(job.uid());
    List<ReplicaStatus> ordered = new ArrayList<>();
    for (Rendezvous.Replica replica : Rendezvous.replicas(job.spec())) {
      replicas.stream()
          .filter(r -> r.name().equals(replica.name()))
          .findFirst()
          .ifPresent(ordered::add);
    }
    JobStatus status =
        new JobStatus(
            job.phase(),
            job.reason(),
            job.message(),
            job.createdAt(),
            job.startedAt(),
            job.finishedAt(),
            job.restarts(),
            ordered,
            warnings(job.spec()),
            dirs.checkpoints(job.uid()).toString(),
            dirs.output(job.uid()).toString(),
            JobConditions.of(events, job.phase(), job.reason(), job.message()),
            ReplicaTypeStatus.byType(ordered));
    return new JobView(
        job.name(), job.project(), job.uid(), job.spec(), status, withEvents ? events : List.of());
  }

  private List<String> warnings(JobSpec spec) {
    RuntimeCapabilities capabilities = runtime.capabilities();
    List<String> warnings = new ArrayList<>();
    boolean cpu = spec.replicaGroups().stream().anyMatch(g -> g.resources().cpuMillis() > 0);
    boolean memory = spec.replicaGroups().stream().anyMatch(g -> g.resources().memoryBytes() > 0);
    if ((cpu && !capabilities.enforcesCpu()) || (memory && !capabilities.enforcesMemory())) {
      warnings.add(
          "Resource limits are not fully enforced on runtime '"
              + runtime.name()
              + "': "
              + String.join("; ", capabilities.notes()));
    }
    return warnings;
  }
}
