package io.capstan.runtime.kubernetes;

import static io.capstan.runtime.testing.InMemoryProgram.program;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.runtime.Mount;
import io.capstan.runtime.WorkloadRuntime;
import io.capstan.runtime.testing.WorkloadRuntimeContract;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kubernetes runtime keeps the runtime contract against fabric8's mock API server in CRUD mode,
 * with a {@link TestingKubelet} that runs the contract's commands as in-memory programs and keeps
 * claims as local folders, which the runtime's volume readers read over exec (decision 121). One
 * case cannot apply as written and is replaced by what the runtime does instead: it refuses
 * artifact mounts (decision 87).
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
}
