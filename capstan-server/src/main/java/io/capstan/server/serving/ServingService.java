package io.capstan.server.serving;

import io.capstan.api.ApiPaths;
import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.job.JobPhase;
import io.capstan.api.serving.CanarySpec;
import io.capstan.api.serving.ServiceEvent;
import io.capstan.api.serving.ServiceSpec;
import io.capstan.api.serving.ServiceStatus;
import io.capstan.api.serving.ServiceUpdate;
import io.capstan.api.serving.ServiceView;
import io.capstan.api.serving.TrafficRequest;
import io.capstan.api.serving.VersionStatus;
import io.capstan.server.control.KeyedController;
import io.capstan.server.job.JobRecord;
import io.capstan.server.job.JobService;
import io.capstan.server.store.Versions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * Creates, changes and shows inference services; the serving controller does the rest. Every change
 * is a compare-and-set on the service's generation with an event, so two users changing traffic at
 * once cannot lose one change silently.
 */
final class ServingService {

  private final ServiceStore store;
  private final ModelLookup models;
  private final JobService jobs;
  private final ServingReconciler reconciler;
  private final KeyedController<String> controller;
  private final RequestStats stats;
  private final java.util.function.Supplier<String> httpBase;
  private final java.util.function.Supplier<String> grpcTarget;
  private final Clock clock;

  ServingService(
      ServiceStore store,
      ModelLookup models,
      JobService jobs,
      ServingReconciler reconciler,
      KeyedController<String> controller,
      RequestStats stats,
      java.util.function.Supplier<String> httpBase,
      java.util.function.Supplier<String> grpcTarget,
      Clock clock) {
    this.store = store;
    this.models = models;
    this.jobs = jobs;
    this.reconciler = reconciler;
    this.controller = controller;
    this.stats = stats;
    this.httpBase = httpBase;
    this.grpcTarget = grpcTarget;
    this.clock = clock;
  }

  ServiceView create(String project, ServiceSpec requested, String user) {
    ServiceSpec spec = ServiceSpecs.complete(requested);
    ServedModel stable = resolve(project, spec.model(), "model");
    Integer canaryVersion = null;
    if (spec.canary() != null) {
      canaryVersion = checkCanary(project, stable, spec.canary().model(), "canary.model").version();
    }
    Instant now = clock.instant();
    String uid =
        spec.name() + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    ServiceRecord service =
        new ServiceRecord(
            uid,
            project,
            spec,
            stable.version(),
            canaryVersion,
            null,
            spec.minReplicas(),
            0,
            now,
            now,
            0);
    ServiceEvent event =
        new ServiceEvent(
            now,
            "Created",
            "Created by "
                + user
                + " serving "
                + spec.model()
                + " (version "
                + stable.version()
                + ") with "
                + spec.minReplicas()
                + (spec.minReplicas().equals(spec.maxReplicas()) ? "" : " to " + spec.maxReplicas())
                + " replicas");
    if (!store.insert(service, event)) {
      throw new CapstanException(
          ErrorCode.ALREADY_EXISTS,
          "name",
          "Service '" + spec.name() + "' already exists in project '" + project + "'");
    }
    controller.enqueue(uid);
    return get(project, spec.name());
  }

  List<ServiceView> list(String project) {
    List<ServiceView> views = new ArrayList<>();
    for (ServiceRecord service : store.list(project)) {
      views.add(view(service, false));
    }
    return views;
  }

  ServiceView get(String project, String name) {
    return view(find(project, name), true);
  }

  ServiceView update(String project, String name, ServiceUpdate update, String user) {
    return change(
        project,
        name,
        service -> {
          ServiceSpec next = ServiceSpecs.apply(service.spec(), update);
          if (!next.model().equals(service.spec().model())) {
            ServedModel model = resolve(project, next.model(), "model");
            if (service.spec().canary() != null) {
              checkCanary(project, model, service.spec().canary().model(), "model");
            }
          }
          return service.withSpec(next, clock.instant());
        },
        "Updated",
        "Updated by " + user);
  }

  ServiceView traffic(String project, String name, TrafficRequest request, String user) {
    if (request == null || request.percent() == null) {
      throw ServiceSpecs.invalid(
          "percent", "Expected a canary percent from 0 to 100, but there was none");
    }
    return change(
        project,
        name,
        service -> {
          ServiceSpec spec = service.spec();
          String model =
              request.model() != null
                  ? request.model()
                  : (spec.canary() == null ? null : spec.canary().model());
          if (model == null) {
            throw ServiceSpecs.invalid(
                "model",
                "Expected the canary's model reference, since the service has no canary yet");
          }
          CanarySpec canary =
              ServiceSpecs.canary(new CanarySpec(model, request.percent()), "traffic");
          ServedModel stable = resolve(project, spec.model(), "model");
          ServedModel chosen = checkCanary(project, stable, canary.model(), "model");
          return service
              .withSpec(withCanary(spec, canary), clock.instant())
              .withVersions(service.stableVersion(), chosen.version(), service.previousVersion());
        },
        "TrafficChanged",
        "Canary set by "
            + user
            + " to "
            + request.percent()
            + "% of requests"
            + (request.percent() == 0 ? " (deployed, answering none)" : ""));
  }

  ServiceView promote(String project, String name, String user) {
    ServiceRecord before = find(project, name);
    if (before.spec().canary() == null || before.canaryVersion() == null) {
      throw new CapstanException(
          ErrorCode.INVALID_STATE, "Service '" + name + "' has no canary to promote");
    }
    return change(
        project,
        name,
        service -> {
          if (service.spec().canary() == null || service.canaryVersion() == null) {
            throw new CapstanException(
                ErrorCode.INVALID_STATE, "Service '" + name + "' has no canary to promote");
          }
          ServedModel canary = resolve(project, service.spec().model(), "model");
          String pinned = canary.name() + ":" + service.canaryVersion();
          ServiceSpec spec = withCanary(withModel(service.spec(), pinned), null);
          return service
              .withSpec(spec, clock.instant())
              .withVersions(service.canaryVersion(), null, service.stableVersion());
        },
        "Promoted",
        "Version "
            + before.canaryVersion()
            + " promoted to stable by "
            + user
            + " in place of "
            + before.stableVersion());
  }

  ServiceView rollback(String project, String name, String user) {
    ServiceRecord before = find(project, name);
    if (before.spec().canary() != null) {
      return change(
          project,
          name,
          service ->
              service
                  .withSpec(withCanary(service.spec(), null), clock.instant())
                  .withVersions(service.stableVersion(), null, service.previousVersion()),
          "RolledBack",
          "Canary version "
              + before.canaryVersion()
              + " rolled back by "
              + user
              + "; all requests go to version "
              + before.stableVersion());
    }
    if (before.previousVersion() == null) {
      throw new CapstanException(
          ErrorCode.INVALID_STATE,
          "Service '" + name + "' has no canary and no earlier stable version to roll back to");
    }
    return change(
        project,
        name,
        service -> {
          if (service.previousVersion() == null) {
            throw new CapstanException(
                ErrorCode.INVALID_STATE, "Service '" + name + "' has no earlier stable version");
          }
          ServedModel current = resolve(project, service.spec().model(), "model");
          String pinned = current.name() + ":" + service.previousVersion();
          resolve(project, pinned, "model");
          return service
              .withSpec(withModel(service.spec(), pinned), clock.instant())
              .withVersions(service.previousVersion(), null, service.stableVersion());
        },
        "RolledBack",
        "Rolled back by "
            + user
            + " from version "
            + before.stableVersion()
            + " to "
            + before.previousVersion());
  }

  void delete(String project, String name) {
    ServiceRecord service = find(project, name);
    // The row first: from now on every controller pass takes this service's replicas for orphans.
    store.delete(service.uid());
    stats.forget(project, name);
    // The serving controller forgets it (route, replicas) and sweeps its replicas.
    controller.enqueue(service.uid());
    controller.enqueue(ServingReconciler.ORPHANS);
  }

  private ServiceView change(
      String project,
      String name,
      UnaryOperator<ServiceRecord> change,
      String reason,
      String message) {
    ServiceRecord saved =
        Versions.retry(
            "inference service '" + name + "' of project '" + project + "'",
            () -> {
              ServiceRecord service = find(project, name);
              ServiceRecord next = change.apply(service);
              return store.update(next, service, new ServiceEvent(clock.instant(), reason, message))
                  ? Optional.of(service)
                  : Optional.empty();
            });
    controller.enqueue(saved.uid());
    return get(project, name);
  }

  private ServiceRecord find(String project, String name) {
    return store
        .find(project, name)
        .orElseThrow(
            () ->
                CapstanException.notFound(
                    "Service '" + name + "' not found in project '" + project + "'"));
  }

  /** Resolves a reference given in a request: an unknown model is the request's fault (400). */
  private ServedModel resolve(String project, String reference, String field) {
    try {
      return models.resolve(project, reference);
    } catch (CapstanException e) {
      if (e.code() == ErrorCode.NOT_FOUND || e.code() == ErrorCode.INVALID_ARGUMENT) {
        throw new CapstanException(ErrorCode.INVALID_ARGUMENT, field, e.getMessage(), e);
      }
      throw e;
    }
  }

  private ServedModel checkCanary(
      String project, ServedModel stable, String reference, String field) {
    ServedModel canary = resolve(project, reference, field);
    if (!canary.name().equals(stable.name())) {
      throw ServiceSpecs.invalid(
          field,
          "Expected the canary to be a version of model '"
              + stable.name()
              + "' (the stable one), but '"
              + reference
              + "' is model '"
              + canary.name()
              + "'");
    }
    if (canary.version() == stable.version()) {
      throw ServiceSpecs.invalid(
          field,
          "Expected the canary to be another version than the stable one ("
              + stable.version()
              + "), but '"
              + reference
              + "' is that version");
    }
    return canary;
  }

  private static ServiceSpec withCanary(ServiceSpec spec, CanarySpec canary) {
    return new ServiceSpec(
        spec.name(),
        spec.model(),
        spec.minReplicas(),
        spec.maxReplicas(),
        spec.resources(),
        spec.batching(),
        canary,
        spec.targetInFlight());
  }

  private static ServiceSpec withModel(ServiceSpec spec, String model) {
    return new ServiceSpec(
        spec.name(),
        model,
        spec.minReplicas(),
        spec.maxReplicas(),
        spec.resources(),
        spec.batching(),
        spec.canary(),
        spec.targetInFlight());
  }

  private ServiceView view(ServiceRecord service, boolean withEvents) {
    Map<String, List<JobRecord>> byVersion = new TreeMap<>();
    for (JobRecord job : jobs.ownedBy(service.uid())) {
      if (!job.phase().isTerminal()) {
        byVersion
            .computeIfAbsent(
                track(service, ReplicaJobs.version(job)) + ":" + ReplicaJobs.version(job),
                k -> new ArrayList<>())
            .add(job);
      }
    }
    if (service.stableVersion() != null) {
      byVersion.putIfAbsent("stable:" + service.stableVersion(), List.of());
    }
    if (service.canaryVersion() != null && service.spec().canary() != null) {
      byVersion.putIfAbsent("canary:" + service.canaryVersion(), List.of());
    }
    List<VersionStatus> versions = new ArrayList<>();
    for (Map.Entry<String, List<JobRecord>> entry : byVersion.entrySet()) {
      String[] key = entry.getKey().split(":");
      int version = Integer.parseInt(key[1]);
      List<String> replicaJobs = new ArrayList<>();
      int readyCount = 0;
      for (JobRecord job : entry.getValue()) {
        boolean answering = reconciler.isReady(job.uid());
        readyCount += answering ? 1 : 0;
        replicaJobs.add(
            job.name()
                + " "
                + (answering ? "Ready" : job.phase().wireName())
                + (job.phase() == JobPhase.QUEUED && job.message() != null
                    ? ": " + job.message()
                    : ""));
      }
      RequestStats.Snapshot snapshot = stats.snapshot(service.project(), service.name(), version);
      versions.add(
          new VersionStatus(
              key[0],
              version,
              entry.getValue().size(),
              readyCount,
              replicaJobs,
              snapshot.requests(),
              snapshot.errors(),
              snapshot.p50Millis(),
              snapshot.p99Millis()));
    }
    // The controller's last verdict, persisted: a restarted server shows it until its first pass.
    ServiceHealth health = store.health(service.uid()).orElse(ServiceHealth.NOT_YET);
    ServiceStatus status =
        new ServiceStatus(
            health.phase(),
            health.message(),
            service.stableVersion(),
            service.spec().canary() == null ? null : service.canaryVersion(),
            service.canaryPercent(),
            service.previousVersion(),
            service.desiredReplicas(),
            httpBase.get() + ApiPaths.expand(ApiPaths.SERVING, service.project(), service.name()),
            grpcTarget.get(),
            versions,
            service.createdAt(),
            service.updatedAt(),
            health.observedGeneration(),
            health.conditions());
    return new ServiceView(
        service.name(),
        service.project(),
        service.generation(),
        service.spec(),
        status,
        withEvents ? store.events(service.uid()) : List.of());
  }

  private static String track(ServiceRecord service, int version) {
    if (service.stableVersion() != null && version == service.stableVersion()) {
      return "stable";
    }
    if (service.spec().canary() != null
        && service.canaryVersion() != null
        && version == service.canaryVersion()) {
      return "canary";
    }
    return "previous";
  }
}
