package io.capstan.runtime.kubernetes;

import static io.capstan.runtime.testing.InMemoryProgram.program;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.capstan.runtime.ArtifactDownload;
import io.capstan.runtime.ArtifactReader;
import io.capstan.runtime.Mount;
import io.capstan.runtime.ReplicaPhase;
import io.capstan.runtime.WorkloadRuntime;
import io.capstan.runtime.testing.WorkloadRuntimeContract;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kubernetes runtime keeps the runtime contract against fabric8's mock API server in CRUD mode,
 * with a {@link TestingKubelet} that runs the contract's commands as in-memory programs. Two cases
 * cannot apply as written, and are replaced by what the runtime does instead: it cannot read a job
 * volume's files yet (decision 90). Artifacts are downloaded by the pods' init containers (decision
 * 119) from URLs that a loopback HTTP server answers with the contract's artifacts.
 */
class KubernetesRuntimeContractTest extends WorkloadRuntimeContract {
  private TestingCluster cluster;

  /** Answers the presigned URLs of the contract's artifacts. */
  private HttpServer store;

  /** Closes the cluster after the contract has released and closed the runtime. */
  @RegisterExtension
  final AfterEachCallback closeCluster =
      context -> {
        if (cluster != null) {
          cluster.close();
        }
        if (store != null) {
          store.stop(0);
        }
      };

  /** The contract's artifacts, and for each a URL of {@link #store} as a presigned one. */
  @Override
  protected ArtifactReader artifactReader() {
    ArtifactReader streams = super.artifactReader();
    return new ArtifactReader() {
      @Override
      public InputStream open(String key) {
        return streams.open(key);
      }

      @Override
      public Optional<ArtifactDownload> download(String key, Duration ttl) {
        streams.open(key); // throws when there is none, as a store does
        URI url =
            URI.create(
                "http://127.0.0.1:"
                    + store.getAddress().getPort()
                    + "/"
                    + key
                    + "?X-Amz-Signature=contract");
        String name = key.substring(key.lastIndexOf('/') + 1);
        return Optional.of(
            new ArtifactDownload(false, List.of(new ArtifactDownload.File(name, url, -1, null))));
      }
    };
  }

  @Override
  protected WorkloadRuntime createRuntime() {
    ArtifactReader artifacts = artifactReader();
    store = serve(artifacts);
    cluster = new TestingCluster().node("node-a", 8);
    KubernetesRuntimeConfig config =
        new KubernetesRuntimeConfig(
            KubernetesSettings.defaults(),
            null,
            null,
            KubernetesRuntimeConfig.DEFAULT_RENDEZVOUS_PORT,
            scratch.resolve("kubernetes"),
            Duration.ofMillis(50));
    return new KubernetesRuntime(
        cluster.client(),
        config.withArtifacts(new ArtifactSettings("capstan/capstan:contract", Duration.ofHours(1))),
        artifacts,
        Clock.systemUTC());
  }

  private static HttpServer serve(ArtifactReader artifacts) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/",
          exchange -> {
            try (exchange) {
              byte[] body;
              try (InputStream in =
                  artifacts.open(exchange.getRequestURI().getPath().substring(1))) {
                body = in.readAllBytes();
              } catch (NoSuchElementException e) {
                exchange.sendResponseHeaders(404, -1);
                return;
              }
              exchange.sendResponseHeaders(200, body.length);
              exchange.getResponseBody().write(body);
            }
          });
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
