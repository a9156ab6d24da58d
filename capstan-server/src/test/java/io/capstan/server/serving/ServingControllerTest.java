package io.capstan.server.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.gateway.GatewayReport;
import io.capstan.api.job.JobPhase;
import io.capstan.api.serving.CanarySpec;
import io.capstan.api.serving.ServiceEvent;
import io.capstan.runtime.ReadinessSpec;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.server.job.JobControllerHarness;
import io.capstan.server.job.JobRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving controller over the job controller, the in-memory runtime and a controllable clock:
 * replicas as workloads of their service, routing once the runtime says a replica is ready, a
 * rollout, a canary, autoscaling and deletion, each in milliseconds.
 */
class ServingControllerTest {
  @TempDir Path dataDir;
  private ServingControllerHarness s;
  private JobControllerHarness h;
  private ServiceStore services;
  private ServingRoutes routes;
  private GatewayLoad load;
  private ServingReconciler serving;
  private Map<String, ServedModel> registry;

  @BeforeEach
  void setUp() {
    s = new ServingControllerHarness(dataDir);
    h = s.h;
    services = s.services;
    routes = s.routes;
    load = s.load;
    serving = s.serving;
    registry = s.registry;
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
    assertThat(launch.command()).endsWith("-jar", "/opt/capstan/capstan-model-server.jar");
    assertThat(launch.args())
        .as("args kept apart from the command, as a pod keeps them")
        .contains("--http-port", "$(CAPSTAN_PORT_HTTP)");
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
    return s.create(name, model, min, max, canary);
  }

  private void step() {
    s.step();
  }

  private void readyAll(ServiceRecord service) {
    s.readyAll(service);
  }

  private List<JobRecord> live(ServiceRecord service) {
    return s.live(service);
  }

  private String phase(ServiceRecord service) {
    return s.phase(service);
  }

  private static ServedModel model(int version) {
    return ServingControllerHarness.model(version);
  }
}
