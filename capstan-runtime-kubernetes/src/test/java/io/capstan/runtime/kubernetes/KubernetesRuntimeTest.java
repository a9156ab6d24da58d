package io.capstan.runtime.kubernetes;

import static io.capstan.runtime.testing.InMemoryProgram.program;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.api.job.Resources;
import io.capstan.runtime.Endpoint;
import io.capstan.runtime.LogChunk;
import io.capstan.runtime.Mount;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.ReplicaPhase;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes runtime on a 3-node cluster of 8 GPUs each (the mock API server and the {@link
 * TestingKubelet}): gangs placed where Capstan's scheduler put them, nodes that leave or stop
 * reporting, logs that outlive their pods, terminations with a grace period, and no requests at all
 * while nothing changes.
 */
class KubernetesRuntimeTest {
  private static final String NAMESPACE = "capstan-vision";

  @TempDir Path scratch;

  private TestingCluster cluster;
  private KubernetesRuntime runtime;

  @BeforeEach
  void start() {
    cluster = new TestingCluster().node("node-a", 8).node("node-b", 8).node("node-c", 8);
    runtime =
        new KubernetesRuntime(
            cluster.client(),
            new KubernetesRuntimeConfig(
                KubernetesSettings.defaults(),
                null,
                null,
                KubernetesRuntimeConfig.DEFAULT_RENDEZVOUS_PORT,
                scratch,
                Duration.ofMillis(50)),
            Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    runtime.close();
    cluster.close();
  }

  @Test
  void theClustersNodesAndTheirGpusComeFromTheApi() {
    assertThat(runtime.nodes())
        .extracting(n -> n.name() + " " + n.capacity().gpus() + " " + n.gpus().get(0).model())
        .containsExactly(
            "node-a 8 NVIDIA-H100-80GB-HBM3",
            "node-b 8 NVIDIA-H100-80GB-HBM3",
            "node-c 8 NVIDIA-H100-80GB-HBM3");
  }

  @Test
  void aTwoNodeGangOfEightGpusEachRunsOnTheNodesItWasPlacedOn() {
    List<Endpoint> endpoints = runtime.reserveEndpoints("mnist-1", List.of("master-0", "worker-0"));
    ReplicaLaunch master = gpuLaunch("mnist-1", "master-0", "node-c", endpoints.get(0));
    ReplicaLaunch worker = gpuLaunch("mnist-1", "worker-0", "node-a", endpoints.get(0));

    runtime.launchAll(List.of(master, worker));

    awaitPhase(master.id(), ReplicaPhase.RUNNING);
    awaitPhase(worker.id(), ReplicaPhase.RUNNING);
    assertThat(endpoints)
        .containsExactly(
            new Endpoint("mnist-1-master-0.mnist-1", 23456),
            new Endpoint("mnist-1-worker-0.mnist-1", 23456));
    Pod masterPod = pod("mnist-1-master-0");
    Pod workerPod = pod("mnist-1-worker-0");
    assertThat(masterPod.getSpec().getNodeName()).isEqualTo("node-c");
    assertThat(workerPod.getSpec().getNodeName()).isEqualTo("node-a");
    assertThat(PodPlacement.pinnedNode(workerPod)).contains("node-a");
    assertThat(workerPod.getSpec().getContainers().get(0).getResources().getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("8"));
    assertThat(workerPod.getSpec().getContainers().get(0).getEnv())
        .anySatisfy(
            env -> {
              assertThat(env.getName()).isEqualTo("MASTER_ADDR");
              assertThat(env.getValue()).isEqualTo("mnist-1-master-0.mnist-1");
            });
    assertThat(workerPod.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            owner -> {
              assertThat(owner.getKind()).isEqualTo("Service");
              assertThat(owner.getName()).isEqualTo("mnist-1");
            });
    assertThat(cluster.admin().services().inNamespace(NAMESPACE).withName("mnist-1").get())
        .isNotNull();
  }

  @Test
  void aPodPinnedToAFullNodeWaitsPendingInsteadOfFailing() {
    ReplicaLaunch first = gpuLaunch("big-1", "worker-0", "node-b", null);
    runtime.launch(first);
    awaitPhase(first.id(), ReplicaPhase.RUNNING);

    ReplicaLaunch second = gpuLaunch("big-2", "worker-0", "node-b", null);
    runtime.launch(second);

    await()
        .until(
            () -> pod("big-2-worker-0").getStatus(),
            status ->
                status != null
                    && status.getConditions().stream()
                        .anyMatch(c -> "Unschedulable".equals(c.getReason())));
    assertThat(observe(second.id()).orElseThrow().phase()).isEqualTo(ReplicaPhase.PENDING);
    assertThat(pod("big-2-worker-0").getSpec().getNodeName()).isNull();
  }

  @Test
  void aNodeThatLeavesTheClusterLosesItsReplicasAndIsNotUsed() {
    ReplicaLaunch launch = gpuLaunch("lost-1", "worker-0", "node-b", null);
    runtime.launch(launch);
    awaitPhase(launch.id(), ReplicaPhase.RUNNING);

    cluster.admin().nodes().withName("node-b").delete();

    ReplicaObservation lost = awaitPhase(launch.id(), ReplicaPhase.LOST);
    assertThat(lost.message()).isEqualTo("node node-b left the cluster");
    assertThat(lost.ready()).isFalse();
    assertThat(runtime.nodes()).extracting(n -> n.name()).containsExactly("node-a", "node-c");
  }

  @Test
  void aNodeThatStopsReportingIsNotUsedAndItsReplicasAreLost() {
    ReplicaLaunch launch = gpuLaunch("lost-2", "worker-0", "node-c", null);
    runtime.launch(launch);
    awaitPhase(launch.id(), ReplicaPhase.RUNNING);

    cluster.kubelet().nodeNotReady("node-c");

    awaitPhase(launch.id(), ReplicaPhase.LOST);
    await().until(() -> runtime.nodes().size() == 2);
    assertThat(runtime.nodes()).extracting(n -> n.name()).containsExactly("node-a", "node-b");
  }

  @Test
  void logsAreReadableAfterThePodIsDeleted() {
    ReplicaId id = new ReplicaId("logs-1", "worker-0");
    runtime.launch(
        launch(id, program().print("epoch 1 loss 0.5").print("epoch 2 loss 0.25").exit(0)));
    awaitPhase(id, ReplicaPhase.SUCCEEDED);
    await().until(() -> runtime.logs().read(id, 1, 0, 1 << 16).orElseThrow().complete());

    cluster.admin().pods().inNamespace(NAMESPACE).withName("logs-1-worker-0").delete();
    await().until(() -> cluster.admin().pods().inNamespace(NAMESPACE).list().getItems().isEmpty());

    LogChunk log = runtime.logs().read(id, 1, 0, 1 << 16).orElseThrow();
    assertThat(log.text())
        .startsWith("--- capstan: worker-0 attempt 1 started at ")
        .endsWith(" ---\nepoch 1 loss 0.5\nepoch 2 loss 0.25\n");
    assertThat(log.complete()).isTrue();
    assertThat(observe(id).orElseThrow().phase()).isEqualTo(ReplicaPhase.SUCCEEDED);

    runtime.release("logs-1");

    assertThat(runtime.logs().read(id, 1, 0, 1 << 16)).isEmpty();
  }

  @Test
  void aPodDeletedWhileItRunsIsLostAndTerminateDeletesWithTheGracePeriod() {
    ReplicaId deleted = new ReplicaId("pre-1", "worker-0");
    ReplicaId preempted = new ReplicaId("pre-1", "worker-1");
    runtime.launch(launch(deleted, program().print("up").run()));
    runtime.launch(launch(preempted, program().print("up").run()));
    awaitPhase(deleted, ReplicaPhase.RUNNING);
    awaitPhase(preempted, ReplicaPhase.RUNNING);

    runtime.terminate(preempted, Duration.ofSeconds(45));
    cluster.admin().pods().inNamespace(NAMESPACE).withName("pre-1-worker-0").delete();

    ReplicaObservation ended = awaitPhase(preempted, ReplicaPhase.FAILED);
    assertThat(ended.exitCode()).isEqualTo(143);
    assertThat(cluster.requests())
        .anySatisfy(
            request -> {
              assertThat(request.method()).isEqualTo("DELETE");
              assertThat(request.path()).endsWith("/pods/pre-1-worker-1");
              assertThat(request.body()).contains("\"gracePeriodSeconds\":45");
            });
    // Deleted by someone else: its container was stopped too, and the tombstone has its exit.
    assertThat(awaitPhase(deleted, ReplicaPhase.FAILED).exitCode()).isEqualTo(143);

    runtime.launch(
        launch(preempted, program().print("resumed").run()).toBuilder().attempt(2).build());

    ReplicaObservation resumed = awaitPhase(preempted, ReplicaPhase.RUNNING);
    assertThat(resumed.attempt()).isEqualTo(2);
  }

  @Test
  void atSteadyStateObservingSendsNoRequests() {
    List<ReplicaLaunch> gang =
        List.of(
            gpuLaunch("steady-1", "master-0", "node-a", null),
            gpuLaunch("steady-1", "worker-0", "node-b", null));
    runtime.launchAll(gang);
    gang.forEach(launch -> awaitPhase(launch.id(), ReplicaPhase.RUNNING));
    int before = cluster.requests().size();

    for (int cycle = 0; cycle < 100; cycle++) {
      assertThat(runtime.observe("steady-1")).hasSize(2);
      assertThat(runtime.observeAll()).hasSize(2);
      assertThat(runtime.nodes()).hasSize(3);
    }

    List<TestingCluster.Request> during =
        cluster.requests().subList(before, cluster.requests().size());
    assertThat(during).noneMatch(TestingCluster.Request::isList);
    assertThat(during)
        .as("only the log copies' streams, none of observing")
        .allMatch(request -> request.path().contains("/log?"));
  }

  private ReplicaLaunch gpuLaunch(String job, String replica, String node, Endpoint master) {
    ReplicaLaunch.Builder builder =
        ReplicaLaunch.builder(new ReplicaId(job, replica))
            .image("pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime")
            .command(program().print("training").run())
            .resources(new Resources(4000, 32L << 30, 8))
            .tenant("vision")
            .node(node)
            .mount(Mount.volume("checkpoints", "/capstan/checkpoints"));
    if (master != null) {
      builder.env("MASTER_ADDR", master.host()).env("MASTER_PORT", Integer.toString(master.port()));
    }
    return builder.build();
  }

  private ReplicaLaunch launch(ReplicaId id, List<String> command) {
    return ReplicaLaunch.builder(id)
        .image("busybox:1.36")
        .command(command)
        .resources(Resources.NONE)
        .tenant("vision")
        .build();
  }

  private Pod pod(String name) {
    return cluster.admin().pods().inNamespace(NAMESPACE).withName(name).get();
  }

  private Optional<ReplicaObservation> observe(ReplicaId id) {
    return runtime.observe(id.jobUid()).stream().filter(o -> o.id().equals(id)).findFirst();
  }

  private ReplicaObservation awaitPhase(ReplicaId id, ReplicaPhase phase) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> observe(id).orElse(null), o -> o != null && o.phase() == phase);
  }
}
