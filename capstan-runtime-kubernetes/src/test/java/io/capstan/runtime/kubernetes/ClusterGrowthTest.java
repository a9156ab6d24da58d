package io.capstan.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.api.job.Resources;
import io.capstan.runtime.CapacityRequests;
import io.capstan.runtime.CapacityRequests.CapacityState;
import io.capstan.runtime.CapacityRequests.Gang;
import io.capstan.runtime.CapacityRequests.Phase;
import io.capstan.runtime.Mount;
import io.capstan.runtime.Node;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.ReplicaPhase;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster that grows and shrinks, on the mock API server: ProvisioningRequests for gangs that no
 * node holds where the cluster serves their API (and none where it does not), spot nodes marked by
 * their labels, and nodes the cloud takes back reported as reclaimed.
 */
class ClusterGrowthTest {
  private static final String NAMESPACE = "capstan-vision";
  private static final Resources EIGHT_GPUS = new Resources(4000, 32L << 30, 8);
  private static final Gang PAIR =
      new Gang("llm-1a2b3c4d", "vision", List.of(EIGHT_GPUS, EIGHT_GPUS));

  @TempDir Path scratch;

  private TestingCluster cluster;
  private KubernetesRuntime runtime;

  @AfterEach
  void stop() {
    if (runtime != null) {
      runtime.close();
    }
    cluster.close();
  }

  @Test
  void aGangThatFitsNoNodeGetsOneProvisioningRequestOfItsShapeUntilItIsPlaced() {
    cluster = new TestingCluster().withProvisioningRequests().node("small", 4);
    runtime = start();
    CapacityRequests requests = runtime.capacityRequests().orElseThrow();

    Map<String, CapacityState> first = requests.reconcile(List.of(PAIR));

    assertThat(first.get(PAIR.jobUid()).phase()).isEqualTo(Phase.REQUESTED);
    assertThat(first.get(PAIR.jobUid()).request())
        .isEqualTo("ProvisioningRequest " + NAMESPACE + "/llm-1a2b3c4d");
    List<GenericKubernetesResource> made = provisioningRequests();
    assertThat(made).singleElement();
    @SuppressWarnings("unchecked")
    Map<String, Object> spec =
        (Map<String, Object>) made.get(0).getAdditionalProperties().get("spec");
    assertThat(spec)
        .containsEntry("provisioningClassName", "best-effort-atomic-scale-up.autoscaling.x-k8s.io")
        .containsEntry(
            "podSets",
            List.of(Map.of("count", 2, "podTemplateRef", Map.of("name", "llm-1a2b3c4d-0"))));
    PodTemplate template =
        cluster.admin().v1().podTemplates().inNamespace(NAMESPACE).withName("llm-1a2b3c4d-0").get();
    assertThat(template.getTemplate().getSpec().getContainers().get(0).getResources().getRequests())
        .containsEntry("nvidia.com/gpu", new Quantity("8"))
        .containsEntry("cpu", new Quantity("4000m"));

    // Asked again while nothing changed: no second request, nothing sent.
    int sent = cluster.requests().size();
    requests.reconcile(List.of(PAIR));
    await().until(() -> provisioningRequests().size() == 1);
    assertThat(cluster.requests().subList(sent, cluster.requests().size()))
        .noneMatch(r -> r.path().contains("provisioningrequests") && !r.path().contains("watch"));

    provision("llm-1a2b3c4d");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                requests.reconcile(List.of(PAIR)).get(PAIR.jobUid()).phase() == Phase.PROVISIONED);
    assertThat(requests.reconcile(List.of(PAIR)).get(PAIR.jobUid()).describe())
        .isEqualTo(
            "ProvisioningRequest "
                + NAMESPACE
                + "/llm-1a2b3c4d provisioned, the new nodes are joining (Provisioned: capacity is"
                + " available)");

    // Placed: no longer listed, so the request and its template go.
    requests.reconcile(List.of());
    await().atMost(Duration.ofSeconds(30)).until(() -> provisioningRequests().isEmpty());
    assertThat(cluster.admin().v1().podTemplates().inNamespace(NAMESPACE).list().getItems())
        .isEmpty();
  }

  @Test
  void withoutTheProvisioningRequestApiNothingIsAsked() {
    cluster = new TestingCluster().node("small", 4);
    runtime = start();

    assertThat(runtime.capacityRequests()).isEmpty();
    assertThat(cluster.requests()).noneMatch(r -> r.path().contains("provisioningrequests"));
  }

  @Test
  void provisioningRequestsCanBeTurnedOff() {
    cluster = new TestingCluster().withProvisioningRequests().node("small", 4);
    runtime =
        new KubernetesRuntime(
            cluster.client(),
            config().withGrowth(ClusterGrowthSettings.defaults().withProvisioningRequests(false)),
            Clock.systemUTC());

    assertThat(runtime.capacityRequests()).isEmpty();
  }

  @Test
  void spotNodesAreMarkedAndNodesTakenBackAreReclaimed() {
    cluster = new TestingCluster().node("steady", 8).spotNode("spot-a", 8).spotNode("spot-b", 8);
    runtime = start();
    assertThat(runtime.nodes())
        .extracting(Node::name, Node::spot)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("spot-a", true),
            org.assertj.core.groups.Tuple.tuple("spot-b", true),
            org.assertj.core.groups.Tuple.tuple("steady", false));
    ReplicaLaunch launch = launch("ckpt-1", "worker-0", "spot-a");
    runtime.launch(launch);
    awaitPhase(launch.id(), ReplicaPhase.RUNNING);

    cluster.deleteNode("spot-a");
    taint("spot-b", "cloud.google.com/impending-node-termination");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> runtime.reclaimedNodes().equals(java.util.Set.of("spot-a", "spot-b")));
    assertThat(runtime.nodes()).extracting(Node::name).containsExactly("steady");
    ReplicaObservation lost = awaitPhase(launch.id(), ReplicaPhase.LOST);
    assertThat(lost.message()).contains("node spot-a left the cluster");
  }

  @Test
  void anOnDemandNodeThatLeavesIsNotReclaimed() {
    cluster = new TestingCluster().node("steady", 8).node("other", 8);
    runtime = start();

    cluster.deleteNode("other");

    await().until(() -> runtime.nodes().size() == 1);
    assertThat(runtime.reclaimedNodes()).isEmpty();
  }

  private KubernetesRuntime start() {
    return new KubernetesRuntime(cluster.client(), config(), Clock.systemUTC());
  }

  private KubernetesRuntimeConfig config() {
    return new KubernetesRuntimeConfig(
        KubernetesSettings.defaults(),
        null,
        null,
        KubernetesRuntimeConfig.DEFAULT_RENDEZVOUS_PORT,
        scratch,
        Duration.ofMillis(50));
  }

  private List<GenericKubernetesResource> provisioningRequests() {
    return cluster
        .admin()
        .genericKubernetesResources(ProvisioningRequests.CONTEXT)
        .inNamespace(NAMESPACE)
        .list()
        .getItems();
  }

  /** What the cluster-autoscaler writes once the nodes are there. */
  private void provision(String name) {
    GenericKubernetesResource request =
        cluster
            .admin()
            .genericKubernetesResources(ProvisioningRequests.CONTEXT)
            .inNamespace(NAMESPACE)
            .withName(name)
            .get();
    request
        .getAdditionalProperties()
        .put(
            "status",
            Map.of(
                "conditions",
                List.of(
                    Map.of("type", "Accepted", "status", "True", "reason", "Accepted"),
                    Map.of(
                        "type",
                        "Provisioned",
                        "status",
                        "True",
                        "reason",
                        "Provisioned",
                        "message",
                        "capacity is available"))));
    cluster
        .admin()
        .genericKubernetesResources(ProvisioningRequests.CONTEXT)
        .inNamespace(NAMESPACE)
        .resource(request)
        .updateStatus();
  }

  private void taint(String node, String key) {
    io.fabric8.kubernetes.api.model.Node current = cluster.admin().nodes().withName(node).get();
    cluster
        .admin()
        .resource(
            new NodeBuilder(current)
                .editSpec()
                .addNewTaint()
                .withKey(key)
                .withEffect("NoSchedule")
                .endTaint()
                .endSpec()
                .build())
        .update();
  }

  private ReplicaLaunch launch(String job, String replica, String node) {
    return ReplicaLaunch.builder(new ReplicaId(job, replica))
        .image("pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime")
        .command(io.capstan.runtime.testing.InMemoryProgram.program().print("training").run())
        .resources(EIGHT_GPUS)
        .tenant("vision")
        .node(node)
        .mount(Mount.volume("checkpoints", "/capstan/checkpoints"))
        .build();
  }

  private ReplicaObservation awaitPhase(ReplicaId id, ReplicaPhase phase) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                runtime.observe(id.jobUid()).stream()
                    .filter(o -> o.id().equals(id))
                    .findFirst()
                    .orElse(null),
            o -> o != null && o.phase() == phase);
  }
}
