package io.capstan.server.notebook;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.job.JobPhase;
import io.capstan.api.job.JobSpec;
import io.capstan.api.notebook.NotebookEvent;
import io.capstan.api.notebook.NotebookSettings;
import io.capstan.api.notebook.NotebookSpec;
import io.capstan.api.notebook.NotebookView;
import io.capstan.runtime.Endpoint;
import io.capstan.runtime.ProjectVolumes;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.server.job.JobDatasets;
import io.capstan.server.job.JobRecord;
import io.capstan.server.job.JobService;
import io.capstan.server.job.ReplicaObservations;
import io.capstan.server.store.Versions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Creates, starts, stops and deletes notebooks. Starting one submits a workload of kind {@link
 * NotebookKind} that the scheduler admits under the project's quota like any job; stopping one
 * cancels it, which frees its resources for the queue; its workspace volume stays until the
 * notebook is deleted.
 */
public final class NotebookService {
  private final NotebookStore store;
  private final JobService jobs;
  private final ReplicaObservations observations;
  private final ProjectVolumes volumes;
  private final NotebookJobs notebookJobs;
  private final IdleCuller culler;
  private final NotebookTokens tokens;
  private final NotebookProperties properties;
  private final Clock clock;
  private final JobDatasets datasets;

  NotebookService(
      NotebookStore store,
      JobService jobs,
      ReplicaObservations observations,
      ProjectVolumes volumes,
      NotebookJobs notebookJobs,
      IdleCuller culler,
      NotebookTokens tokens,
      NotebookProperties properties,
      Clock clock,
      JobDatasets datasets) {
    this.datasets = datasets;
    this.store = store;
    this.jobs = jobs;
    this.observations = observations;
    this.volumes = volumes;
    this.notebookJobs = notebookJobs;
    this.culler = culler;
    this.tokens = tokens;
    this.properties = properties;
    this.clock = clock;
  }

  /** Where the proxy sends a notebook's requests, with the token it adds. */
  record Target(String uid, URI base, String token) {
    @Override
    public String toString() {
      return "Target[" + uid + " at " + base + ", token hidden]";
    }
  }

  /** Stores a notebook and starts its server; refused when its server could never be admitted. */
  public NotebookView create(String project, NotebookSpec requested, String user) {
    NotebookSpec spec = NotebookSpecs.normalize(requested, properties.defaultImage());
    // Refused now, naming the reference, rather than when the server is launched.
    NotebookSpecs.mounts(spec.datasets()).forEach(mount -> datasets.folder(project, mount));
    Instant now = clock.instant();
    NotebookRecord notebook =
        new NotebookRecord(
            spec.name() + "-" + UUID.randomUUID().toString().substring(0, 8),
            project,
            spec.name(),
            spec,
            NotebookRecord.Desired.RUNNING,
            null,
            now,
            user,
            1);
    NotebookEvent created =
        new NotebookEvent(
            now, "Created", "Created by " + user + " with " + notebook.resources() + "");
    if (!store.insert(notebook, created)) {
      throw new CapstanException(
          ErrorCode.ALREADY_EXISTS,
          "name",
          "Notebook '"
              + spec.name()
              + "' already exists in project '"
              + project
              + "'; delete it first or choose another name");
    }
    try {
      submit(notebook, "Started", "Server submitted by " + user);
    } catch (RuntimeException e) {
      store.delete(notebook.uid());
      throw e;
    }
    return get(project, spec.name());
  }

  public List<NotebookView> list(String project) {
    return store.list(project).stream().map(notebook -> view(notebook, false)).toList();
  }

  public NotebookView get(String project, String name) {
    return view(find(project, name), true);
  }

  /** Starts the server of a stopped (or failed) notebook again, with the same workspace. */
  public NotebookView start(String project, String name, String user) {
    NotebookRecord notebook = find(project, name);
    requireNotDeleting(notebook);
    Optional<JobRecord> job = currentJob(notebook);
    if (job.isPresent() && !job.get().phase().isTerminal()) {
      throw new CapstanException(
          ErrorCode.INVALID_STATE,
          "Expected notebook '"
              + name
              + "' to be stopped before it is started, but its server is "
              + job.get().phase().wireName()
              + "; stop it first or wait until it has stopped");
    }
    submit(notebook, "Started", "Started by " + user);
    return get(project, name);
  }

  /** Stops a notebook's server on a user's request; the workspace is kept. */
  public NotebookView stop(String project, String name, String user) {
    NotebookRecord notebook = find(project, name);
    requireNotDeleting(notebook);
    if (notebook.desired() == NotebookRecord.Desired.STOPPED) {
      throw new CapstanException(
          ErrorCode.INVALID_STATE, "Expected notebook '" + name + "' to run, but it is stopped");
    }
    stop(notebook, "Stopped", "Stopped by " + user + "; the workspace is kept", user);
    return get(project, name);
  }

  /**
   * Deletes a notebook with its workspace: stops its server and returns whether everything is gone
   * already; if not, the notebook controller finishes once the server has stopped.
   */
  public boolean delete(String project, String name, String user) {
    NotebookRecord notebook = find(project, name);
    if (notebook.desired() != NotebookRecord.Desired.DELETING) {
      change(
          notebook,
          current -> current.with(NotebookRecord.Desired.DELETING, current.job()),
          new NotebookEvent(clock.instant(), "Deleting", "Deleted by " + user));
    }
    for (JobRecord job : jobs.ownedBy(notebook.uid())) {
      if (!job.deleting()) {
        jobs.requestDelete(project, job.name(), user);
      }
    }
    return finishDelete(notebook);
  }

  /**
   * Removes a notebook being deleted once none of its workloads is left: its workspace, then its
   * row. Returns whether it is gone.
   */
  boolean finishDelete(NotebookRecord notebook) {
    if (!jobs.ownedBy(notebook.uid()).isEmpty()) {
      return false;
    }
    volumes.delete(notebook.project(), notebook.workspace());
    store.delete(notebook.uid());
    culler.forget(notebook.uid());
    return true;
  }

  /** The workload of a notebook's server, for its logs; NOT_FOUND when it never had one. */
  public String jobName(String project, String name) {
    NotebookRecord notebook = find(project, name);
    if (notebook.job() == null) {
      throw CapstanException.notFound("Notebook '" + name + "' has no server yet");
    }
    return notebook.job();
  }

  public NotebookSettings settings(String project) {
    return new NotebookSettings(store.cullAfterSeconds(project).orElse(null));
  }

  public NotebookSettings setSettings(String project, NotebookSettings settings, String user) {
    Long seconds = settings == null ? null : settings.cullAfterSeconds();
    if (seconds != null && seconds < 0) {
      throw NotebookSpecs.invalid(
          "cullAfterSeconds",
          "Expected a cull time of 0 (never) or more seconds, but was " + seconds);
    }
    store.setCullAfterSeconds(project, seconds, user);
    return settings(project);
  }

  /**
   * The idle time that stops {@code notebook}: its spec's, else its project's, else the default.
   */
  Duration cullAfter(NotebookRecord notebook) {
    Long seconds = notebook.spec().cullAfterSeconds();
    if (seconds == null) {
      seconds = store.cullAfterSeconds(notebook.project()).orElse(null);
    }
    return seconds == null ? properties.cullAfter() : Duration.ofSeconds(seconds);
  }

  /**
   * Where the proxy reaches notebook {@code name}'s server, while it runs; empty otherwise (the
   * message of {@link #notRunning} says why).
   */
  Optional<Target> target(String project, String name) {
    Optional<NotebookRecord> notebook = store.find(project, name);
    if (notebook.isEmpty() || notebook.get().desired() != NotebookRecord.Desired.RUNNING) {
      return Optional.empty();
    }
    return currentJob(notebook.get())
        .filter(job -> job.phase() == JobPhase.RUNNING)
        .flatMap(job -> endpoint(job).map(at -> target(notebook.get(), job, at)));
  }

  private Target target(NotebookRecord notebook, JobRecord job, Endpoint at) {
    return new Target(notebook.uid(), URI.create("http://" + at), tokens.token(job.uid()));
  }

  /** Whether the notebook {@code uid} exists. */
  boolean existsUid(String uid) {
    return store.findByUid(uid).isPresent();
  }

  /** Whether a notebook of that name exists in the project (the proxy's 404 otherwise). */
  boolean exists(String project, String name) {
    return store.find(project, name).isPresent();
  }

  /** Why the proxy cannot reach notebook {@code name} now, in words for its 503. */
  String notRunning(String project, String name) {
    NotebookView view = get(project, name);
    return "Notebook '"
        + name
        + "' is "
        + view.phase().wireName()
        + (view.message() == null ? "" : " (" + view.message() + ")")
        + (view.phase() == io.capstan.api.notebook.NotebookPhase.STOPPED
                || view.phase() == io.capstan.api.notebook.NotebookPhase.FAILED
            ? "; start it with: capstan notebook start " + name
            : "; try again in a moment");
  }

  /** The notebooks whose servers run, with their server's workload and where it answers. */
  List<NotebookRecord> all() {
    return store.listAll();
  }

  Optional<JobRecord> currentJob(NotebookRecord notebook) {
    return notebook.job() == null
        ? Optional.empty()
        : jobs.findOptional(notebook.project(), notebook.job());
  }

  /** Stops {@code notebook}'s server for {@code reason}; the culler's and the users' way alike. */
  void stop(NotebookRecord notebook, String reason, String message, String by) {
    change(
        notebook,
        current -> current.with(NotebookRecord.Desired.STOPPED, current.job()),
        new NotebookEvent(clock.instant(), reason, message));
    currentJob(notebook)
        .filter(job -> !job.phase().isTerminal())
        .ifPresent(
            job -> {
              try {
                jobs.cancel(notebook.project(), job.name(), by);
              } catch (CapstanException e) {
                // It finished in between: nothing left to stop.
              }
            });
    culler.forget(notebook.uid());
  }

  private void submit(NotebookRecord notebook, String reason, String message) {
    JobSpec spec = notebookJobs.spec(notebook);
    jobs.submit(notebook.project(), spec, NotebookJobs.workload(notebook));
    culler.started(notebook.uid());
    change(
        notebook,
        current -> current.with(NotebookRecord.Desired.RUNNING, spec.name()),
        new NotebookEvent(clock.instant(), reason, message + " as workload " + spec.name()));
  }

  private void change(
      NotebookRecord notebook, UnaryOperator<NotebookRecord> decide, NotebookEvent event) {
    Versions.retry(
        "notebook '" + notebook.name() + "' of project '" + notebook.project() + "'",
        () -> {
          NotebookRecord current =
              store
                  .findByUid(notebook.uid())
                  .orElseThrow(() -> notFound(notebook.project(), notebook.name()));
          return store.update(decide.apply(current), event) ? Optional.of(true) : Optional.empty();
        });
  }

  private NotebookView view(NotebookRecord notebook, boolean withEvents) {
    List<NotebookEvent> events = store.events(notebook.uid());
    Optional<JobRecord> job = currentJob(notebook);
    boolean ready = job.map(this::ready).orElse(false);
    NotebookPhases.Phase phase = NotebookPhases.of(notebook, job.orElse(null), ready, events);
    return new NotebookView(
        notebook.name(),
        notebook.project(),
        notebook.uid(),
        notebook.spec(),
        phase.phase(),
        phase.reason(),
        phase.message(),
        notebook.path(),
        notebook.job(),
        notebook.workspace(),
        cullAfter(notebook).toSeconds(),
        culler.lastActivity(notebook.uid()).orElse(null),
        notebook.createdAt(),
        notebook.createdBy(),
        withEvents ? events : List.of());
  }

  private boolean ready(JobRecord job) {
    ReplicaObservation observed = observations.of(job.uid()).get(NotebookJobs.REPLICA);
    return job.phase() == JobPhase.RUNNING && observed != null && observed.ready();
  }

  private Optional<Endpoint> endpoint(JobRecord job) {
    ReplicaObservation observed = observations.of(job.uid()).get(NotebookJobs.REPLICA);
    return observed == null
        ? Optional.empty()
        : Optional.ofNullable(observed.endpoints().get(NotebookKind.HTTP.name()));
  }

  private NotebookRecord find(String project, String name) {
    return store.find(project, name).orElseThrow(() -> notFound(project, name));
  }

  private static void requireNotDeleting(NotebookRecord notebook) {
    if (notebook.desired() == NotebookRecord.Desired.DELETING) {
      throw new CapstanException(
          ErrorCode.INVALID_STATE, "Notebook '" + notebook.name() + "' is being deleted");
    }
  }

  private static CapstanException notFound(String project, String name) {
    return CapstanException.notFound(
        "Notebook '" + name + "' not found in project '" + project + "'");
  }
}
