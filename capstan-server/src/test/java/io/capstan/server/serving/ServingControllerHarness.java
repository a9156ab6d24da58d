package io.capstan.server.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.error.CapstanException;
import io.capstan.api.job.JobPhase;
import io.capstan.api.serving.CanarySpec;
import io.capstan.api.serving.ServiceEvent;
import io.capstan.api.serving.ServiceSpec;
import io.capstan.server.control.KeyedController;
import io.capstan.server.control.Leadership;
import io.capstan.server.control.WorkQueue;
import io.capstan.server.job.JobControllerHarness;
import io.capstan.server.job.JobRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The serving controller over the job controller ({@link JobControllerHarness}), the in-memory
 * runtime and a manual clock, with a model registry the test fills and the service API ({@link
 * #api}) whose changes the test's next {@link #step} carries out. Nothing runs on its own.
 */
final class ServingControllerHarness {
  final JobControllerHarness h;
  final ServiceStore services;
  final ServingRoutes routes = new ServingRoutes();
  final GatewayLoad load;
  final ServingReconciler serving;
  final ServingService api;
  private final KeyedController<String> controller;
  final Map<String, ServedModel> registry = new HashMap<>();

  ServingControllerHarness(Path dataDir) {
    ReplicaSecrets secrets = ReplicaSecrets.inDataDir(dataDir);
    h =
        new JobControllerHarness(
            dataDir,
            List.of(
                new ServingReplicaKind(secrets, Duration.ofMillis(500), Duration.ofMillis(500))));
    services = new ServiceStore(h.db.jdbc(), h.db.transactions(), JsonMapper.builder().build());
    load = new GatewayLoad(() -> h.clock.millis() * 1_000_000);
    registry.put("churn:1", model(1));
    registry.put("churn:2", model(2));
    registry.put("churn@production", model(1));
    ModelLookup models =
        (project, reference) -> {
          ServedModel found = registry.get(reference);
          if (found == null) {
            throw CapstanException.notFound("no model " + reference);
          }
          return found;
        };
    serving =
        new ServingReconciler(
            services,
            h.jobs(),
            h.observations(),
            models,
            new ReplicaJobs("java"),
            routes,
            new Autoscaler(Duration.ofMinutes(5)),
            load,
            h.clock);
    // Never started: what the API enqueues runs at the test's next serve().
    controller =
        new KeyedController<>(
            "serving-under-test",
            new WorkQueue<>(h.clock, Duration.ofMillis(100), Duration.ofSeconds(30)),
            serving::reconcile,
            serving::resyncKeys,
            Duration.ofSeconds(1),
            h.clock,
            Leadership.ALWAYS);
    api =
        new ServingService(
            services,
            models,
            h.jobs(),
            serving,
            controller,
            new RequestStats(),
            () -> "http://gateway",
            () -> "gateway:9000",
            h.clock);
  }

  /** A service stored as the API stores it, with uid {@code uid-<name>}. */
  ServiceRecord create(String name, String model, int min, int max, CanarySpec canary) {
    ServiceSpec spec =
        ServiceSpecs.complete(new ServiceSpec(name, model, min, max, null, null, canary, null));
    ServiceRecord service =
        new ServiceRecord(
            "uid-" + name,
            "ml",
            spec,
            null,
            null,
            null,
            min,
            0,
            h.clock.instant(),
            h.clock.instant(),
            0);
    assertThat(services.insert(service, new ServiceEvent(h.clock.instant(), "Created", "test")))
        .isTrue();
    return service;
  }

  /** One serving pass between two job-controller passes, half a second later. */
  void step() {
    h.tick();
    serving.runOnce();
    h.pass();
  }

  /** Runs what the service API enqueued (and a resync when one is due), as the controller does. */
  void serve() {
    controller.runDue();
  }

  /** A step in which every replica of {@code service} that runs answers its readiness probe. */
  void readyAll(ServiceRecord service) {
    step();
    for (JobRecord job : h.jobs().ownedBy(service.uid())) {
      if (job.phase() == JobPhase.RUNNING) {
        h.runtime.replica(job.uid(), "worker-0").becomesReady();
      }
    }
    step();
  }

  /** The replicas of {@code service} that have not finished. */
  List<JobRecord> live(ServiceRecord service) {
    return h.jobs().ownedBy(service.uid()).stream()
        .filter(job -> !job.phase().isTerminal())
        .toList();
  }

  /** The service's phase as its persisted status says. */
  String phase(ServiceRecord service) {
    return services.health(service.uid()).map(ServiceHealth::phase).orElse("none");
  }

  ServiceRecord stored(ServiceRecord service) {
    return services.findByUid(service.uid()).orElseThrow();
  }

  static ServedModel model(int version) {
    return new ServedModel("churn", version, "models/vision/churn/" + version + ".onnx");
  }
}
