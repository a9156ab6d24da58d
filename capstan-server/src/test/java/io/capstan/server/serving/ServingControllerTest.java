package io.capstan.server.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.error.CapstanException;
import io.capstan.api.gateway.GatewayReport;
import io.capstan.api.job.JobPhase;
import io.capstan.api.serving.CanarySpec;
import io.capstan.api.serving.ServiceEvent;
import io.capstan.api.serving.ServiceSpec;
import io.capstan.runtime.ReadinessSpec;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.server.job.JobControllerHarness;
import io.capstan.server.job.JobRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * The serving controller over the job controller, the in-memory runtime and a controllable clock:
 * replicas as workloads of their service, routing once the runtime says a replica is ready, a
 * rollout, a canary, autoscaling and deletion, each in milliseconds.
 */
class ServingControllerTest {
  @TempDir Path dataDir;
  private JobControllerHarness h;
  private ServiceStore services;
  private ServingRoutes routes;
  private GatewayLoad load;
  private ServingReconciler serving;
  private final Map<String, ServedModel> registry = new HashMap<>();

  @BeforeEach
  void setUp() {
    ReplicaSecrets secrets = ReplicaSecrets.inDataDir(dataDir);
    h =
        new JobControllerHarness(
            dataDir,
            List.of(
                new ServingReplicaKind(secrets, Duration.ofMillis(500), Duration.ofMillis(500))));
    services = new ServiceStore(h.db.jdbc(), h.db.transactions(), JsonMapper.builder().build());
    routes = new ServingRoutes();
    load = new GatewayLoad(() -> h.clock.millis() * 1_000_000);
    registry.put("churn:1", model(1));
    registry.put("churn:2", model(2));
    registry.put("churn@production", model(1));
    serving =
        new ServingReconciler(
            services,
            h.jobs(),
            h.observations(),
            (project, reference) -> {
              ServedModel found = registry.get(reference);
              if (found == null) {
                throw CapstanException.notFound("no model " + reference);
              }
              return found;
            },
            new ReplicaJobs("java"),
            routes,
            new Autoscaler(Duration.ofMinutes(5)),
            load,
            h.clock);
  }

  @Test
  void replicasAreWorkloadsOfTheirServiceAndGetRoutesOnlyOnceTheRuntimeSaysTheyAreReady() {
    ServiceRecord churn = create("churn", "churn@production", 2, 2, null);
    step();

    List<JobRecord> replicas = h.jobs().ownedBy(churn.uid());
    assertThat(replicas).hasSize(2);
    assertThat(replicas).extracting(JobRecord::kind).containsOnly(ServingReplicaKind.NAME);
    assertThat(replicas).extracting(JobRecord::phase).containsOnly(JobPhase.RUNNING);
    ReplicaLaunch launch = h.runtime.launchesOf(replicas.get(0).uid()).get(0);
    assertThat(launch.command()).contains("--http-port", "$(CAPSTAN_PORT_HTTP)");
    assertThat(h.runtime.replica(replicas.get(0).uid(), "worker-0").command())
        .as("the runtime says which ports: the container ports, as on Kubernetes")
        .contains("--http-port", "8080", "--grpc-port", "8001");
    ReadinessSpec probe = launch.readiness();
    assertThat(probe.path()).isEqualTo("/v2/models/churn/versions/1/ready");
    assertThat(probe.headers()).containsKey("Authorization");
    assertThat(routes.find("ml", "churn").stable()).as("not ready yet: no route").isEmpty();
    assertThat(phase(churn)).isEqualTo("Pending");

    replicas.forEach(job -> h.runtime.replica(job.uid(), "worker-0").becomesReady());
    step();

    assertThat(routes.find("ml", "churn").stable())
        .extracting(backend -> backend.http().toString())
        .containsExactlyInAnyOrder(
            "http://worker-0." + replicas.get(0).uid() + ":8080",
            "http://worker-0." + replicas.get(1).uid() + ":8080");
    assertThat(phase(churn)).isEqualTo("Ready");
  }

  @Test
  void aReplicaThatFailsIsRestartedHoweverOftenItFails() {
    ServiceRecord churn = create("churn", "churn:1", 1, 1, null);
    step();
    JobRecord replica = h.jobs().ownedBy(churn.uid()).get(0);

    for (int failure = 1; failure <= 5; failure++) {
      h.runtime.replica(replica.uid(), "worker-0").exits(137);
      step();
      step();
    }

    JobRecord after = h.jobs().ownedBy(churn.uid()).get(0);
    assertThat(after.phase()).isEqualTo(JobPhase.RUNNING);
    assertThat(after.restarts()).isEqualTo(5);
    assertThat(h.jobs().ownedBy(churn.uid())).as("the same replica, restarted").hasSize(1);
  }

  @Test
  void anAliasThatMovesRollsTheServiceOverToTheNewVersionWithoutAGap() {
    ServiceRecord churn = create("churn", "churn@production", 2, 2, null);
    readyAll(churn);

    registry.put("churn@production", model(2));
    for (int i = 0; i < 20; i++) {
      readyAll(churn);
      Route route = routes.find("ml", "churn");
      assertThat(route.stable()).as("never an empty route during the rollout").isNotEmpty();
    }

    assertThat(routes.find("ml", "churn").stable())
        .extracting(Backend::version)
        .containsOnly(2)
        .hasSize(2);
    assertThat(live(churn)).extracting(ReplicaJobs::version).containsOnly(2);
    assertThat(services.events(churn.uid()))
        .extracting(ServiceEvent::reason)
        .contains("RolloutStarted", "RolloutFinished");
  }

  @Test
  void aCanaryGetsItsOwnReplicaAndItsShareOfTheRoute() {
    ServiceRecord churn = create("churn", "churn:1", 2, 2, new CanarySpec("churn:2", 20));
    for (int i = 0; i < 4; i++) {
      readyAll(churn);
    }

    Route route = routes.find("ml", "churn");
    assertThat(route.canaryPercent()).isEqualTo(20);
    assertThat(route.stable()).extracting(Backend::version).containsOnly(1).hasSize(2);
    assertThat(route.canary()).extracting(Backend::version).containsExactly(2);
  }

  @Test
  void requestsInFlightScaleTheServiceOutWithinItsBounds() {
    ServiceRecord churn = create("churn", "churn:1", 1, 3, null);
    readyAll(churn);
    JobRecord first = live(churn).get(0);

    load.report(
        new GatewayReport("v", List.of(new GatewayReport.BackendLoad(first.uid(), 40)), List.of()));
    readyAll(churn);

    assertThat(services.find("ml", "churn").orElseThrow().desiredReplicas()).isEqualTo(3);
    assertThat(live(churn)).hasSize(3);
  }

  @Test
  void aDeletedServiceLeavesNoReplicaBehind() {
    ServiceRecord churn = create("churn", "churn:1", 2, 2, null);
    readyAll(churn);
    List<JobRecord> replicas = h.jobs().ownedBy(churn.uid());

    assertThat(routes.find("ml", "churn").stable()).hasSize(2);

    // What ServingService.delete does: the row goes, the service's key and the sweep are enqueued.
    services.delete(churn.uid());
    serving.reconcile(churn.uid());
    serving.reconcile(ServingReconciler.ORPHANS);
    assertThat(routes.find("ml", "churn").stable()).as("its route is gone at once").isEmpty();
    step();
    step();

    assertThat(h.jobs().ownedBy(churn.uid())).isEmpty();
    replicas.forEach(job -> assertThat(h.runtime.observe(job.uid())).isEmpty());
  }

  private ServiceRecord create(String name, String model, int min, int max, CanarySpec canary) {
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
  private void step() {
    h.tick();
    serving.runOnce();
    h.pass();
  }

  /** A step in which every replica of {@code service} that runs answers its readiness probe. */
  private void readyAll(ServiceRecord service) {
    step();
    for (JobRecord job : h.jobs().ownedBy(service.uid())) {
      if (job.phase() == JobPhase.RUNNING) {
        h.runtime.replica(job.uid(), "worker-0").becomesReady();
      }
    }
    step();
  }

  private List<JobRecord> live(ServiceRecord service) {
    return h.jobs().ownedBy(service.uid()).stream()
        .filter(job -> !job.phase().isTerminal())
        .toList();
  }

  private String phase(ServiceRecord service) {
    return services.health(service.uid()).map(ServiceHealth::phase).orElse("none");
  }

  private static ServedModel model(int version) {
    return new ServedModel("churn", version, "models/vision/churn/" + version + ".onnx");
  }
}
