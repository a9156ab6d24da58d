package io.capstan.server.job;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.job.JobEvent;
import io.capstan.api.job.JobOutputsView;
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
import io.capstan.server.store.Versions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.dao.DuplicateKeyException;

/** Submits, reads, cancels and deletes jobs; the controller loop does the rest. */
public final class JobService {
  private final JobStore store;
  private final JobSpecParser parser;
  private final JobLauncher launcher;
  private final Scheduler scheduler;
  private final Supplier<Map<String, QueueSpec>> queues;
  private final WorkloadRuntime runtime;
  private final JobOutputCollector outputs;
  private final JobControlLoop controller;
  private final Clock clock;
  private final Duration deleteWait;
  private final TrainerProgress progress;

  JobService(
      JobStore store,
      JobSpecParser parser,
      JobLauncher launcher,
      Scheduler scheduler,
      Supplier<Map<String, QueueSpec>> queues,
      WorkloadRuntime runtime,
      JobOutputCollector outputs,
      JobControlLoop controller,
      Clock clock,
      Duration deleteWait,
      TrainerProgress progress) {
    this.progress = progress;
    this.store = store;
    this.parser = parser;
    this.launcher = launcher;
    this.scheduler = scheduler;
    this.queues = queues;
    this.runtime = runtime;
    this.outputs = outputs;
    this.controller = controller;
    this.clock = clock;
    this.deleteWait = deleteWait;
  }

  /** Validates and stores a job as Queued; a rejected spec stores nothing. */
  public SubmitResponse submit(String project, String text) {
    return submit(project, parser.parse(text));
  }

  /**
   * Validates and stores a job that {@code user} submitted as {@code text}, keeping the text (for
   * the spec as submitted and a resubmit) and who submitted it.
   */
  public SubmitResponse submit(String project, String text, String user) {
    return submit(project, text, user, Workload.TRAINING_JOB);
  }

  /**
   * Validates and stores a job submitted as {@code text} on behalf of {@code user} by a controller
   * that owns it (an experiment's trial): a user's submission in every other way.
   */
  public SubmitResponse submit(String project, String text, String user, Workload workload) {
    JobSpec spec = parser.parse(text);
    SubmitResponse submitted = submit(project, spec, workload);
    store.saveSubmission(submitted.uid(), user, spec.sourceKind(), text);
    return submitted;
  }

  /** The text job {@code name} was submitted as; NOT_FOUND for a workload a controller made. */
  public String submittedText(String project, String name) {
    JobRecord job = find(project, name);
    return store
        .submission(job.uid())
        .orElseThrow(
            () ->
                CapstanException.notFound(
                    "Job '"
                        + name
                        + "' has no spec as submitted: it was made by "
                        + (job.owner() == null
                            ? "an earlier version of Capstan"
                            : "a controller")));
  }

  /** Stores a training job as Queued, with the checks every submission gets. */
  public SubmitResponse submit(String project, JobSpec spec) {
    return submit(project, spec, Workload.TRAINING_JOB);
  }

  /**
   * Stores a workload built by another controller (a serving replica, a notebook) as Queued, with
   * the same checks as a submitted spec.
   */
  public SubmitResponse submit(String project, JobSpec spec, Workload workload) {
    Entrypoints.check(spec, runtime.images());
    String uid =
        spec.name() + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    Instant now = clock.instant();
    launcher.check(project, spec);
    JobRecord candidate = JobRecord.queued(uid, project, spec, now, workload);
    // Where the cluster can be asked for nodes, today's nodes cannot say never (decision 123).
    (runtime.capacityRequests().isPresent()
            ? scheduler.neverFitsGrowing(
                JobScheduling.workload(candidate),
                JobScheduling.nodeSpecs(runtime.nodes()),
                queues.get())
            : scheduler.neverFits(
                JobScheduling.workload(candidate),
                JobScheduling.nodeSpecs(runtime.nodes()),
                queues.get()))
        .ifPresent(
            why -> {
              throw new CapstanException(
                  ErrorCode.EXCEEDS_CAPACITY,
                  "spec.replicas",
                  "Job '" + spec.name() + "' can never start: " + why);
            });
    JobRecord job = candidate;
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
    controller.admit();
    return new SubmitResponse(spec.name(), project, uid, JobPhase.QUEUED, ignoredFields(spec));
  }

  public List<JobView> list(String project) {
    List<JobView> views = new ArrayList<>();
    Map<String, List<JobEvent>> events = store.eventsOfProject(project);
    List<JobRecord> records = store.list(project);
    Map<String, String> submitters =
        store.submitters(records.stream().map(JobRecord::uid).toList());
    for (JobRecord job : records) {
      views.add(
          view(job, events.getOrDefault(job.uid(), List.of()), false, submitters.get(job.uid())));
    }
    return views;
  }

  /** One page of the jobs of {@code project} that {@code query} selects, and how many match. */
  public Page page(String project, JobQuery query) {
    List<JobRecord> records = store.list(project, query);
    List<String> uids = records.stream().map(JobRecord::uid).toList();
    Map<String, List<JobEvent>> events = store.eventsOf(uids);
    Map<String, String> submitters = store.submitters(uids);
    List<JobView> views = new ArrayList<>();
    for (JobRecord job : records) {
      views.add(
          view(job, events.getOrDefault(job.uid(), List.of()), false, submitters.get(job.uid())));
    }
    long total =
        query.offset() == 0 && (query.limit() == null || records.size() < query.limit())
            ? records.size()
            : store.count(project, query);
    return new Page(views, total);
  }

  /** A page of job views and the number of jobs that match over all pages. */
  public record Page(List<JobView> jobs, long total) {
    public Page {
      jobs = List.copyOf(jobs);
    }
  }

  /** The workloads {@code ownerUid} made, as stored. */
  public List<JobRecord> ownedBy(String ownerUid) {
    return store.listOwnedBy(ownerUid);
  }

  /** Every workload of {@code kind} that has an owner, as stored (for orphan sweeps). */
  public List<JobRecord> owned(String kind) {
    return store.listOwned(kind);
  }

  public JobView get(String project, String name) {
    return view(find(project, name), true);
  }

  /** What job {@code name} left in its output directory, as collected when it succeeded. */
  public JobOutputsView outputs(String project, String name) {
    return outputs.view(find(project, name));
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

  /**
   * Cancels a job that has not finished: records the cancellation; the job controller stops its
   * replicas (SIGTERM, then SIGKILL after the grace period).
   */
  public JobView cancel(String project, String name, String user) {
    JobRecord job =
        change(
            project,
            name,
            current -> {
              if (current.phase().isTerminal()) {
                throw new CapstanException(
                    ErrorCode.INVALID_STATE,
                    "Job '" + name + "' already finished as " + current.phase().wireName());
              }
              return cancelled(current, "Cancelled by " + user);
            });
    controller.enqueue(job.uid());
    return get(project, name);
  }

  /**
   * Deletes a job with its logs and files and waits until the job controller has stopped its
   * replicas and removed it, at most the stop grace period and a little more. Returns whether it is
   * gone; if not, the deletion goes on in the background.
   */
  public boolean delete(String project, String name, String user) {
    JobRecord job = requestDelete(project, name, user);
    try {
      controller.deleted(job.uid()).get(deleteWait.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Records that a job is to be deleted (cancelling it if it runs) and returns at once; the job
   * controller stops its replicas and removes it. For controllers that own jobs.
   */
  public JobRecord requestDelete(String project, String name, String user) {
    JobRecord job =
        change(
            project,
            name,
            current -> {
              Change next =
                  current.phase().isTerminal()
                      ? new Change(current, null)
                      : cancelled(current, "Cancelled by " + user + " to delete it");
              return new Change(next.record().markDeleting(), next.event());
            });
    controller.enqueue(job.uid());
    return job;
  }

  /** A job's next state and the event that says why, if any. */
  private record Change(JobRecord record, JobEvent event) {}

  private Change cancelled(JobRecord job, String message) {
    Instant now = clock.instant();
    return new Change(
        job.transition(JobPhase.CANCELLED, "Cancelled", message, now),
        new JobEvent(now, JobPhase.CANCELLED, "Cancelled", message));
  }

  /** Saves what {@code decide} makes of the stored job, again over a fresh read if it changed. */
  private JobRecord change(String project, String name, Function<JobRecord, Change> decide) {
    return Versions.retry(
        "job '" + name + "' of project '" + project + "'",
        () -> {
          Change change = decide.apply(find(project, name));
          return store.update(change.record(), change.event())
              ? Optional.of(change.record())
              : Optional.empty();
        });
  }

  public JobView view(JobRecord job, boolean withEvents) {
    return view(
        job,
        store.events(job.uid()),
        withEvents,
        store.submitters(List.of(job.uid())).get(job.uid()));
  }

  /**
   * The view of {@code job} with its {@code events}, shown only {@code withEvents}, submitted by
   * {@code submittedBy} (null: a controller made it).
   */
  private JobView view(
      JobRecord job, List<JobEvent> events, boolean withEvents, String submittedBy) {
    List<ReplicaStatus> replicas = store.replicas(job.uid());
    List<ReplicaStatus> ordered = new ArrayList<>();
    for (Rendezvous.Replica replica : Rendezvous.replicas(job.spec())) {
      Placement.ReplicaPlacement placed = job.placement().of(replica.name());
      replicas.stream()
          .filter(r -> r.name().equals(replica.name()))
          .findFirst()
          .map(r -> placed == null ? r : r.withNode(placed.node()))
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
            JobLauncher.CHECKPOINT_DIR,
            JobLauncher.OUTPUT_DIR,
            JobConditions.of(events, job.phase(), job.reason(), job.message()),
            ReplicaTypeStatus.byType(ordered),
            progress.of(job.uid()).orElse(null));
    return new JobView(
        job.name(),
        job.project(),
        job.uid(),
        job.spec(),
        status,
        withEvents ? events : List.of(),
        submittedBy);
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
    warnings.addAll(ignoredFields(spec));
    return warnings;
  }

  /** What a submitter is told of the fields Capstan accepted but does not act on. */
  static List<String> ignoredFields(JobSpec spec) {
    return spec.ignoredFields().stream()
        .map(
            field ->
                "Field " + field + " is accepted but not acted on: Capstan runs the job without it")
        .toList();
  }
}
