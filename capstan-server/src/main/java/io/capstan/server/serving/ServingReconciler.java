package io.capstan.server.serving;

import io.capstan.api.error.CapstanException;
import io.capstan.api.job.JobPhase;
import io.capstan.api.serving.ServiceEvent;
import io.capstan.runtime.Endpoint;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.server.job.JobRecord;
import io.capstan.server.job.JobService;
import io.capstan.server.job.ReplicaObservations;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of the serving controller over every service: resolves the stable and canary model
 * references (an alias that moved starts a rollout), starts and retires replica jobs track by track
 * ({@link TrackPlan}), probes the running replicas, chooses the replica count (autoscaling) and
 * publishes the routes the gateway uses. A replica leaves the routes before it is stopped and is
 * stopped only once its in-flight requests are answered, so no request is cut off.
 */
final class ServingReconciler {
  private static final Logger log = LoggerFactory.getLogger(ServingReconciler.class);
  private static final long RETIRE_GRACE_MILLIS = 5_000;
  private static final String CONTROLLER = "the serving controller";

  /** The key of the sweep of replicas whose service is gone; service uids never look like it. */
  static final String ORPHANS = "@orphans";

  private final ServiceStore store;
  private final JobService jobs;
  private final ReplicaObservations observations;
  private final ModelLookup models;
  private final ReplicaJobs replicaJobs;
  private final ServingRoutes routes;
  private final Autoscaler autoscaler;
  private final GatewayLoad load;
  private final Clock clock;

  private final Map<String, Backend> backends = new ConcurrentHashMap<>();
  private final ReadyReplicas ready = new ReadyReplicas();
  private final Map<String, Instant> retiring = new ConcurrentHashMap<>();
  private final ServiceHealthLog health;

  private final Set<String> rollingOut = new HashSet<>();
  private final Map<String, ServiceRecord> known = new ConcurrentHashMap<>();
  private final Set<String> passedSinceStart = ConcurrentHashMap.newKeySet();

  ServingReconciler(
      ServiceStore store,
      JobService jobs,
      ReplicaObservations observations,
      ModelLookup models,
      ReplicaJobs replicaJobs,
      ServingRoutes routes,
      Autoscaler autoscaler,
      GatewayLoad load,
      Clock clock) {
    this.store = store;
    this.jobs = jobs;
    this.observations = observations;
    this.models = models;
    this.replicaJobs = replicaJobs;
    this.routes = routes;
    this.autoscaler = autoscaler;
    this.load = load;
    this.clock = clock;
    this.health = new ServiceHealthLog(store);
  }

  /** Reconciles every service and sweeps orphans now, on the caller's thread (tests). */
  void runOnce() {
    for (String key : resyncKeys()) {
      try {
        reconcile(key);
      } catch (RuntimeException e) {
        // Recorded in the service's status; the next pass tries again.
      }
    }
  }

  /** What a resync looks at: every service, and the sweep of orphaned replicas. */
  List<String> resyncKeys() {
    List<String> keys = new ArrayList<>();
    store.listAll().forEach(service -> keys.add(service.uid()));
    keys.add(ORPHANS);
    return keys;
  }

  /**
   * Reconciles one key: a service's uid, or {@link #ORPHANS}. A service that is gone is forgotten
   * (its route removed, its replicas cancelled); a failure is recorded in the service's status and
   * thrown, so the controller retries the service after its backoff.
   */
  Optional<Duration> reconcile(String key) {
    if (ORPHANS.equals(key)) {
      deleteOrphans(store.listAll());
      markCompleteOnceAllPassed();
      return Optional.empty();
    }
    Optional<ServiceRecord> found = store.findByUid(key);
    if (found.isEmpty()) {
      ServiceRecord gone = known.remove(key);
      if (gone != null) {
        forget(gone);
      }
      return Optional.empty();
    }
    ServiceRecord service = found.get();
    known.put(service.uid(), service);
    try {
      if (reconcile(service)) {
        passedSinceStart.add(service.uid());
      }
    } catch (RuntimeException e) {
      log.warn(
          "Serving controller pass failed for service {}/{}", service.project(), service.name(), e);
      health.record(
          service, ServiceHealth.failed(health.last(service), e.getMessage(), clock.instant()));
      throw e;
    }
    markCompleteOnceAllPassed();
    return Optional.empty();
  }

  /**
   * The gateway gets routes only once every service has had a full pass since this control plane
   * started (before, replicas are not observed yet and routes would be empty).
   */
  private void markCompleteOnceAllPassed() {
    if (!routes.complete()
        && store.listAll().stream().allMatch(s -> passedSinceStart.contains(s.uid()))) {
      routes.passed();
    }
  }

  /**
   * Level-triggered deletion: every pass stops and deletes the replica jobs whose service is gone,
   * whatever happened on the way (a cancel that lost to a preemption, a pass that started a replica
   * while the service was being deleted, a control plane that died in between). {@code services}
   * was read before the jobs, so a replica of a service that exists is never taken for an orphan:
   * it is started only by a pass over its service.
   */
  private void deleteOrphans(List<ServiceRecord> services) {
    Set<String> uids = new HashSet<>();
    services.forEach(service -> uids.add(service.uid()));
    for (JobRecord job : ReplicaJobs.orphans(jobs.owned(ServingReplicaKind.NAME), uids)) {
      try {
        if (job.deleting()) {
          continue;
        }
        jobs.requestDelete(job.project(), job.name(), CONTROLLER);
        forgetReplica(job.uid());
        log.info(
            "Deleting replica job {}/{}: its service {} no longer exists",
            job.project(),
            job.name(),
            job.owner());
      } catch (RuntimeException e) {
        // The next pass tries again.
        log.warn("Cannot delete replica job {}/{} yet", job.project(), job.name(), e);
      }
    }
  }

  boolean isReady(String jobUid) {
    return ready.contains(jobUid) && !retiring.containsKey(jobUid);
  }

  /**
   * Stops every replica of a service being deleted and forgets its state, at once; the passes that
   * follow delete whatever replica job of it remains ({@link #deleteOrphans}).
   */
  void forget(ServiceRecord service) {
    routes.remove(service.project(), service.name());
    autoscaler.forget(service.uid());
    health.forget(service.uid());
    for (JobRecord job : replicas(service)) {
      if (!job.phase().isTerminal()) {
        cancel(job);
      }
      backends.remove(job.uid());
      ready.gone(job.uid());
      retiring.remove(job.uid());
    }
  }

  /** One pass over one service; false when it had to wait for its replicas to be observed. */
  private boolean reconcile(ServiceRecord service) {
    Instant now = clock.instant();
    List<String> problems = new ArrayList<>();
    service = resolveVersions(service, problems, now);
    if (service == null) {
      return true;
    }
    if (service.stableVersion() == null) {
      ServiceHealth.Pass pass = ServiceHealth.Pass.unresolved(service.generation(), problems);
      health.record(service, ServiceHealth.judge(pass, health.last(service), now));
      return true;
    }
    List<JobRecord> live = new ArrayList<>();
    for (JobRecord job : replicas(service)) {
      if (job.phase().isTerminal()) {
        forgetReplica(job.uid());
      } else if (job.phase() == JobPhase.RUNNING && !observations.observed(job.uid())) {
        // A control plane just started: the job controller has not looked at this replica yet.
        // Judging now would empty the service's route and flip its status for nothing.
        return false;
      } else {
        live.add(job);
        probe(job);
      }
    }
    finishRetiring(live, now);
    int stable = service.stableVersion();
    Integer canary = service.spec().canary() == null ? null : service.canaryVersion();
    Integer previous = service.previousVersion();
    List<JobRecord> stableJobs = new ArrayList<>();
    List<JobRecord> canaryJobs = new ArrayList<>();
    List<JobRecord> replacedJobs = new ArrayList<>();
    List<JobRecord> strayJobs = new ArrayList<>();
    for (JobRecord job : live) {
      if (retiring.containsKey(job.uid())) {
        continue;
      }
      int version = ReplicaJobs.version(job);
      if (version == stable) {
        stableJobs.add(job);
      } else if (canary != null && version == canary) {
        canaryJobs.add(job);
      } else if (previous != null && version == previous) {
        replacedJobs.add(job);
      } else {
        strayJobs.add(job);
      }
    }
    strayJobs.forEach(job -> retire(job, now));
    int inFlight = 0;
    for (JobRecord job : stableJobs) {
      inFlight += inFlight(job);
    }
    for (JobRecord job : replacedJobs) {
      inFlight += inFlight(job);
    }
    service = scale(service, inFlight, now);
    int wanted = service.desiredReplicas();
    apply(service, stable, TrackPlan.of(plan(stableJobs), plan(replacedJobs), wanted), live, now);
    int canaryWanted =
        canary == null ? 0 : Math.max(1, (wanted * service.canaryPercent() + 99) / 100);
    if (canary != null) {
      apply(service, canary, TrackPlan.of(plan(canaryJobs), List.of(), canaryWanted), live, now);
    } else {
      canaryJobs.forEach(job -> retire(job, now));
    }
    publish(service, stableJobs, replacedJobs, canaryJobs);
    recordHealth(
        service, stableJobs, replacedJobs, canaryJobs, wanted, canaryWanted, problems, now);
    return true;
  }

  /** Resolves the references; stores a changed version with its event. Null when it was deleted. */
  private ServiceRecord resolveVersions(ServiceRecord service, List<String> problems, Instant now) {
    Integer stable = service.stableVersion();
    Integer canary = service.canaryVersion();
    Integer previous = service.previousVersion();
    List<ServiceEvent> events = new ArrayList<>();
    try {
      ServedModel model = models.resolve(service.project(), service.spec().model());
      if (stable == null || model.version() != stable) {
        if (stable != null) {
          previous = stable;
          events.add(
              new ServiceEvent(
                  now,
                  "RolloutStarted",
                  "Rolling out version "
                      + model.version()
                      + " in place of "
                      + stable
                      + " ("
                      + service.spec().model()
                      + ")"));
        }
        stable = model.version();
      }
    } catch (CapstanException e) {
      problems.add("cannot resolve model '" + service.spec().model() + "': " + e.getMessage());
    }
    if (service.spec().canary() == null) {
      canary = null;
    } else {
      try {
        ServedModel model = models.resolve(service.project(), service.spec().canary().model());
        canary = model.version();
      } catch (CapstanException e) {
        problems.add(
            "cannot resolve canary '" + service.spec().canary().model() + "': " + e.getMessage());
      }
    }
    if (java.util.Objects.equals(stable, service.stableVersion())
        && java.util.Objects.equals(canary, service.canaryVersion())
        && java.util.Objects.equals(previous, service.previousVersion())) {
      return service;
    }
    ServiceRecord next = service.withVersions(stable, canary, previous);
    store.update(next, service, events.isEmpty() ? null : events.get(0));
    // Whether this update or a concurrent one won, the stored row is the truth.
    return store.find(service.project(), service.name()).orElse(null);
  }

  private ServiceRecord scale(ServiceRecord service, int inFlight, Instant now) {
    int desired =
        autoscaler.desired(
            service.uid(),
            service.desiredReplicas(),
            inFlight,
            service.spec().targetInFlight(),
            service.spec().minReplicas(),
            service.spec().maxReplicas(),
            now);
    if (desired == service.desiredReplicas()) {
      return service;
    }
    ServiceRecord next = service.withDesiredReplicas(desired);
    ServiceEvent event =
        new ServiceEvent(
            now,
            "Scaled",
            "Scaled from "
                + service.desiredReplicas()
                + " to "
                + desired
                + " replicas ("
                + inFlight
                + " requests in flight, target "
                + service.spec().targetInFlight()
                + " per replica)");
    if (store.update(next, service, event)) {
      return store.find(service.project(), service.name()).orElse(next);
    }
    return service;
  }

  private void apply(
      ServiceRecord service, int version, TrackPlan plan, List<JobRecord> live, Instant now) {
    for (TrackPlan.Replica replica : plan.retire()) {
      live.stream()
          .filter(job -> job.name().equals(replica.job()))
          .findFirst()
          .ifPresent(job -> retire(job, now));
    }
    if (plan.start() == 0) {
      return;
    }
    ServedModel model;
    try {
      model = models.resolve(service.project(), service.spec().model());
      if (model.version() != version) {
        model = models.resolve(service.project(), model.name() + ":" + version);
      }
    } catch (CapstanException e) {
      log.warn(
          "Cannot start a replica of {}/{}: {}", service.project(), service.name(), e.getMessage());
      return;
    }
    for (int i = 0; i < plan.start(); i++) {
      jobs.submit(
          service.project(),
          replicaJobs.spec(service, model),
          ReplicaJobs.workload(service, model));
    }
  }

  private List<TrackPlan.Replica> plan(List<JobRecord> replicas) {
    return replicas.stream()
        .map(
            job ->
                new TrackPlan.Replica(
                    job.name(), isReady(job.uid()), job.createdAt().toEpochMilli()))
        .toList();
  }

  private void publish(
      ServiceRecord service,
      List<JobRecord> stableJobs,
      List<JobRecord> replacedJobs,
      List<JobRecord> canaryJobs) {
    List<Backend> stable = new ArrayList<>();
    List<Backend> canary = new ArrayList<>();
    for (JobRecord job : stableJobs) {
      answering(job).ifPresent(stable::add);
    }
    for (JobRecord job : replacedJobs) {
      answering(job).ifPresent(stable::add);
    }
    for (JobRecord job : canaryJobs) {
      answering(job).ifPresent(canary::add);
    }
    routes.put(
        service.project(), service.name(), new Route(service.canaryPercent(), stable, canary));
  }

  private Optional<Backend> answering(JobRecord job) {
    return isReady(job.uid()) ? Optional.ofNullable(backends.get(job.uid())) : Optional.empty();
  }

  private void recordHealth(
      ServiceRecord service,
      List<JobRecord> stableJobs,
      List<JobRecord> replacedJobs,
      List<JobRecord> canaryJobs,
      int wanted,
      int canaryWanted,
      List<String> problems,
      Instant now) {
    List<String> waiting = new ArrayList<>();
    for (JobRecord job : stableJobs) {
      if (job.phase() == JobPhase.QUEUED && job.message() != null) {
        waiting.add(job.name() + " is waiting: " + job.message());
      }
    }
    for (JobRecord job : canaryJobs) {
      if (job.phase() == JobPhase.QUEUED && job.message() != null) {
        waiting.add(job.name() + " is waiting: " + job.message());
      }
    }
    boolean rolling = !replacedJobs.isEmpty();
    if (rolling) {
      rollingOut.add(service.uid());
    } else if (rollingOut.remove(service.uid())) {
      ServiceEvent done =
          new ServiceEvent(
              now,
              "RolloutFinished",
              "Every stable replica serves version " + service.stableVersion());
      store.appendEvent(service.uid(), done);
    }
    ServiceHealth.Pass pass =
        new ServiceHealth.Pass(
            service.generation(),
            problems,
            waiting,
            service.stableVersion(),
            service.spec().canary() == null ? null : service.canaryVersion(),
            wanted,
            stableJobs.size(),
            readyCount(stableJobs),
            replacedJobs.size(),
            readyCount(replacedJobs),
            canaryWanted,
            readyCount(canaryJobs));
    health.record(service, ServiceHealth.judge(pass, health.last(service), now));
  }

  private int readyCount(List<JobRecord> replicas) {
    return (int) replicas.stream().filter(job -> isReady(job.uid())).count();
  }

  private List<JobRecord> replicas(ServiceRecord service) {
    return jobs.ownedBy(service.uid());
  }

  /**
   * Updates where a running replica listens and whether it answers, from what the job controller
   * last observed: the runtime reports each replica's endpoints and probes its readiness.
   */
  private void probe(JobRecord job) {
    ReplicaObservation observed = observations.of(job.uid()).get(ReplicaJobs.REPLICA);
    Endpoint http =
        observed == null ? null : observed.endpoints().get(ServingReplicaKind.HTTP.name());
    Endpoint grpc =
        observed == null ? null : observed.endpoints().get(ServingReplicaKind.GRPC.name());
    if (job.phase() != JobPhase.RUNNING || http == null || grpc == null) {
      ready.gone(job.uid());
      return;
    }
    URI base = URI.create("http://" + http);
    Backend backend = backends.get(job.uid());
    if (backend == null || !backend.http().equals(base) || backend.grpcPort() != grpc.port()) {
      backend = new Backend(job.uid(), job.name(), ReplicaJobs.version(job), base, grpc.port());
      backends.put(job.uid(), backend);
    }
    ready.probed(job.uid(), observed.ready());
  }

  /** Requests in flight to the replica, as the gateway last reported them. */
  private int inFlight(JobRecord job) {
    return load.inFlight(job.uid());
  }

  /** Takes a replica out of the routes; it is stopped once idle (see {@link #finishRetiring}). */
  private void retire(JobRecord job, Instant now) {
    if (!ready.contains(job.uid())) {
      cancel(job);
      forgetReplica(job.uid());
      return;
    }
    retiring.putIfAbsent(job.uid(), now);
  }

  private void finishRetiring(List<JobRecord> live, Instant now) {
    for (JobRecord job : live) {
      Instant since = retiring.get(job.uid());
      if (since == null) {
        continue;
      }
      boolean idle = inFlight(job) == 0;
      boolean overdue = now.toEpochMilli() - since.toEpochMilli() > RETIRE_GRACE_MILLIS;
      if ((idle && now.isAfter(since)) || overdue) {
        cancel(job);
        forgetReplica(job.uid());
      }
    }
  }

  private void forgetReplica(String jobUid) {
    backends.remove(jobUid);
    ready.gone(jobUid);
    retiring.remove(jobUid);
  }

  private void cancel(JobRecord job) {
    try {
      jobs.cancel(job.project(), job.name(), CONTROLLER);
    } catch (CapstanException e) {
      log.debug("Replica {} was already stopping: {}", job.name(), e.getMessage());
    }
  }
}
