package io.capstan.runtime.kubernetes;

import static io.capstan.runtime.testing.InMemoryProgram.program;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.runtime.Mount;
import io.capstan.runtime.ReplicaPhase;
import io.capstan.runtime.WorkloadRuntime;
import io.capstan.runtime.testing.WorkloadRuntimeContract;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kubernetes runtime keeps the runtime contract against fabric8's mock API server in CRUD mode,
 * with a {@link TestingKubelet} that runs the contract's commands as in-memory programs. Three
 * cases cannot apply as written, and are replaced by what the runtime does instead: it cannot read
 * a job volume's files yet (decision 90), and it refuses artifact mounts (decision 87).
 */
class KubernetesRuntimeContractTest extends WorkloadRuntimeContract {
  private TestingCluster cluster;

  /** Closes the cluster after the contract has released and closed the runtime. */
  @RegisterExtension
  final AfterEachCallback closeCluster =
      context -> {
        if (cluster != null) {
          cluster.close();
        }
      };

  @Override
  protected WorkloadRuntime createRuntime() {
    cluster = new TestingCluster().node("node-a", 8);
    KubernetesRuntimeConfig config =
        new KubernetesRuntimeConfig(
            KubernetesSettings.defaults(),
            null,
            null,
            KubernetesRuntimeConfig.DEFAULT_RENDEZVOUS_PORT,
            scratch.resolve("kubernetes"),
            Duration.ofMillis(50));
    return new KubernetesRuntime(cluster.client(), config, Clock.systemUTC());
  }

  @Override
  protected List<String> writeFile(String containerPath, String content) {
    return program().writeFile(containerPath, content).exit(0);
  }

  @Override
  protected List<String> printAndExit(String text, int exitCode) {
    return program().print(text).exit(exitCode);
  }

  @Override
  protected List<String> printAndRun(String text) {
    return program().print(text).run();
  }

  @Override
  protected List<String> printEnv(String name) {
    return program().printEnv(name).exit(0);
  }

  @Override
  protected List<String> printFile(String containerPath) {
    return program().printFile(containerPath).exit(0);
  }

  @Override
  protected List<String> serveHttp(String port, String path, String authorization) {
    return program().serveHttp(port, path, authorization).run();
  }

  /**
   * Instead of reading the files back: the job volume is a claim of the job, kept by a release,
   * mounted again by the next attempt, deleted with the job; reading it says it cannot yet.
   */
  @Override
  @Test
  protected void aJobVolumeKeepsItsFilesAcrossReleaseAndANewAttemptUntilItIsDeleted() {
    Mount state = Mount.volume("state", "/capstan/state");
    runtime.launch(launch("job-v", "worker-0").mount(state).command(printAndRun("up")).build());
    awaitRunning("job-v", "worker-0");

    runtime.release("job-v");

    assertThat(claims("job-v")).containsExactly("job-v-state");
    assertThatThrownBy(() -> runtime.volumes().list("job-v", "state"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("volume 'state' of job job-v")
        .hasMessageContaining("decision 90");
    runtime.launch(
        launch("job-v", "worker-0").attempt(2).mount(state).command(printAndRun("up")).build());
    awaitRunning("job-v", "worker-0");
    assertThat(claims("job-v")).containsExactly("job-v-state");

    runtime.release("job-v");
    runtime.volumes().delete("job-v");

    assertThat(claims("job-v")).isEmpty();
  }

  /** Instead of reading the files back: the job's replicas mount one claim. */
  @Override
  @Test
  protected void theReplicasOfAJobShareItsVolumeAndOpeningAMissingFileFails() {
    Mount output = Mount.volume("output", "/capstan/output");
    runtime.launch(launch("job-v", "worker-0").mount(output).command(printAndRun("0")).build());
    runtime.launch(launch("job-v", "worker-1").mount(output).command(printAndRun("1")).build());
    awaitRunning("job-v", "worker-0");
    awaitRunning("job-v", "worker-1");

    assertThat(claims("job-v")).containsExactly("job-v-output");
    assertThat(
            cluster.admin().pods().inNamespace("capstan-contract").list().getItems().stream()
                .map(p -> p.getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName())
                .toList())
        .containsExactly("job-v-output", "job-v-output");
    assertThatThrownBy(() -> runtime.volumes().open("job-v", "output", "../output/a"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Instead of reading the artifact: the launch is refused, naming the mount, and makes nothing.
   */
  @Override
  @Test
  protected void anArtifactIsReadableAtItsContainerPath() {
    assertThatThrownBy(
            () ->
                runtime.launch(
                    launch("job-a", "server-0")
                        .mount(Mount.artifact("models/churn/1.onnx", "/capstan/model/model.onnx"))
                        .command(printFile("/capstan/model/model.onnx"))
                        .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'/capstan/model/model.onnx'")
        .hasMessageContaining("artifact 'models/churn/1.onnx'");
    assertThat(cluster.admin().pods().inAnyNamespace().list().getItems()).isEmpty();
  }

  private List<String> claims(String jobUid) {
    return cluster
        .admin()
        .persistentVolumeClaims()
        .inNamespace("capstan-contract")
        .withLabel(PodSpecs.JOB_UID_LABEL, jobUid)
        .list()
        .getItems()
        .stream()
        .map((PersistentVolumeClaim c) -> c.getMetadata().getName())
        .toList();
  }

  private void awaitRunning(String jobUid, String replica) {
    Awaitility.await()
        .atMost(timeout())
        .until(
            () -> observe(id(jobUid, replica)).map(o -> o.phase()).orElse(null),
            phase -> phase == ReplicaPhase.RUNNING);
  }
}
