package io.capstan.server.job;

import io.capstan.jobspec.JobSpecParser;
import io.capstan.runtime.testing.InMemoryRuntime;
import io.capstan.scheduler.QueueSpec;
import io.capstan.scheduler.Scheduler;
import io.capstan.scheduler.SchedulerConfig;
import io.capstan.scheduler.placement.BestFitPlacer;
import io.capstan.server.artifact.TestingArtifactStore;
import io.capstan.server.control.Leadership;
import io.capstan.server.control.ManualClock;
import io.capstan.server.control.WorkQueue;
import io.capstan.server.logs.LogArchive;
import io.capstan.server.logs.LogShipper;
import io.capstan.server.queue.QuotaStore;
import io.capstan.server.store.TestingDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The job controller wired as the server wires it, over an H2 database, the in-memory runtime and a
 * clock that moves only when the test says so; {@link #pass()} runs whatever is due on the test's
 * thread. {@link #restart()} builds a new controller over the same store and runtime, as a
 * restarted control plane does.
 */
public final class JobControllerHarness {
  public static final Duration INTERVAL = Duration.ofMillis(500);
  static final Duration GRACE = Duration.ofSeconds(10);

  public final ManualClock clock = new ManualClock(Instant.parse("2026-12-06T10:00:00Z"));
  public final InMemoryRuntime runtime = new InMemoryRuntime(clock);
  public final TestingDatabase db = TestingDatabase.h2();
  final JobStore store;

  /** Where the controller collects succeeded jobs' outputs: local files under the data dir. */
  public final TestingArtifactStore artifacts;

  private final Path dataDir;
  private final JobOutputsConfig limits;
  private final List<SucceededJobListener> listeners;
  private final List<WorkloadKind> otherKinds;
  private ReplicaObservations observations;
  private LogArchive logs;
  private LogShipper shipper;
  private final Map<String, QueueSpec> queues =
      Map.of("vision", QuotaStore.defaultQueue("vision"), "ml", QuotaStore.defaultQueue("ml"));
  private JobControlLoop loop;
  private JobService service;
  private java.util.concurrent.Executor copier = Runnable::run;

  JobControllerHarness(Path dataDir, SucceededJobListener... listeners) {
    this(dataDir, List.of(), List.of(listeners));
  }

  /** A harness whose controller also runs {@code otherKinds} (a serving replica, a notebook). */
  public JobControllerHarness(Path dataDir, List<WorkloadKind> otherKinds) {
    this(dataDir, otherKinds, List.of());
  }

  /** A harness whose output collector keeps to {@code limits}. */
  JobControllerHarness(Path dataDir, List<WorkloadKind> otherKinds, JobOutputsConfig limits) {
    this(dataDir, otherKinds, List.of(), limits);
  }

  private JobControllerHarness(
      Path dataDir, List<WorkloadKind> otherKinds, List<SucceededJobListener> listeners) {
    this(dataDir, otherKinds, listeners, JobOutputsConfig.defaults());
  }

  private JobVolumesConfig volumesConfig = JobVolumesConfig.defaults();
  private ProjectValues values = NoProjectValues.INSTANCE;

  private JobControllerHarness(
      Path dataDir,
      List<WorkloadKind> otherKinds,
      List<SucceededJobListener> listeners,
      JobOutputsConfig limits) {
    this.limits = limits;
    this.dataDir = dataDir;
    this.listeners = new java.util.ArrayList<>(listeners);
    this.artifacts = new TestingArtifactStore(dataDir.resolve("artifacts"));
    this.otherKinds = otherKinds;
    db.jdbc()
        .sql("insert into projects (name, created_at) values ('vision', 0), ('ml', 0)")
        .update();
    store = new JobStore(db.jdbc(), db.transactions(), JsonMapper.builder().build());
    restart();
  }

  /** Host paths the operator allows and the projects' secrets and config maps; restarts. */
  public JobControllerHarness podSources(JobVolumesConfig newVolumes, ProjectValues newValues) {
    volumesConfig = newVolumes;
    values = newValues;
    restart();
    return this;
  }

  /**
   * Adds a listener of succeeded jobs, told after the output collector as in the server, and
   * restarts the controller with it.
   */
  public JobControllerHarness listen(SucceededJobListener listener) {
    listeners.add(listener);
    restart();
    return this;
  }

  /**
   * Runs the output collector's copies on {@code executor} (by default at once, on the controller's
   * thread) and restarts the controller with it.
   */
  JobControllerHarness copyOutputsOn(java.util.concurrent.Executor executor) {
    copier = executor;
    restart();
    return this;
  }

  /** The jobs as stored. */
  public JobStore store() {
    return store;
  }

  /** A new controller and service over the same store and runtime; nothing kept in memory. */
  public void restart() {
    logs = new LogArchive(dataDir, clock);
    JobOutputCollector collector =
        new JobOutputCollector(
            runtime.volumes(),
            artifacts,
            store,
            JsonMapper.builder().build(),
            clock,
            limits,
            copier);
    List<SucceededJobListener> told = new java.util.ArrayList<>(List.of(collector));
    told.addAll(listeners);
    List<WorkloadKind> all = new java.util.ArrayList<>(otherKinds);
    all.add(new TrainingJobKind());
    WorkloadKinds kinds = new WorkloadKinds(all);
    observations = new ReplicaObservations();
    shipper = new LogShipper(logs, runtime.logs(), observations);
    JobLauncher launcher =
        new JobLauncher(
            runtime,
            new Rendezvous(JsonMapper.builder().build()),
            kinds,
            volumesConfig,
            values,
            JobDatasets.NONE);
    Scheduler scheduler = new Scheduler(SchedulerConfig.defaults(new BestFitPlacer()));
    WorkQueue<String> queue = new WorkQueue<>(clock, Duration.ofMillis(100), Duration.ofSeconds(5));
    JobJanitor janitor = new JobJanitor(store, logs, runtime.volumes(), collector, clock);
    JobAdmitter admitter =
        new JobAdmitter(
            store, runtime, scheduler, () -> queues, launcher, kinds, clock, AdmissionEvents.NONE);
    JobReconciler reconciler =
        new JobReconciler(
            store,
            runtime,
            launcher,
            admitter,
            janitor,
            kinds,
            clock,
            GRACE,
            told,
            queue,
            observations,
            shipper);
    loop = new JobControlLoop(reconciler, queue, INTERVAL, clock, Leadership.ALWAYS);
    service =
        new JobService(
            store,
            new JobSpecParser(),
            launcher,
            scheduler,
            () -> queues,
            runtime,
            collector,
            loop,
            clock,
            GRACE,
            TrainerProgress.NONE);
  }

  public JobService jobs() {
    return service;
  }

  /** The replicas' logs as the control plane keeps them. */
  public LogArchive logs() {
    return logs;
  }

  /** The log shipper of the current controller (not started: tests call it themselves). */
  public LogShipper shipper() {
    return shipper;
  }

  /** What the current controller last observed of each workload's replicas. */
  public ReplicaObservations observations() {
    return observations;
  }

  /** Runs every reconcile that is due now; returns how many ran. */
  public int pass() {
    return loop.runDue();
  }

  /** Lets one resync interval pass, then runs what is due. */
  public void tick() {
    clock.advance(INTERVAL);
    pass();
  }

  public JobRecord job(String name) {
    return store.find("vision", name).orElseThrow();
  }

  /** The workload {@code uid}, of any project and kind. */
  public JobRecord byUid(String uid) {
    return store.findByUid(uid).orElseThrow();
  }

  /** The events recorded for the workload {@code uid}, oldest first: one per phase change. */
  public List<io.capstan.api.job.JobEvent> events(String uid) {
    return store.events(uid);
  }

  String uid(String name) {
    return job(name).uid();
  }
}
