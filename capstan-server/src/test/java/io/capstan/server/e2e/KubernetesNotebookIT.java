package io.capstan.server.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.runtime.kubernetes.TestingCluster;
import io.capstan.server.artifact.StorageInitializer;
import io.capstan.server.artifact.TestingCeph;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A notebook with a dataset on the Kubernetes runtime (issue 17 on issue 15's runtime): the
 * packaged server with {@code capstan.runtime.kind=kubernetes} on fabric8's mock API server and its
 * S3 store on a real Ceph RADOS Gateway. The notebook's pod mounts its workspace claim, gets its
 * dataset from an init container that reads presigned URLs from a Secret (which the real downloader
 * then fetches, byte for byte), starts Jupyter under its base URL on every address, and refers to
 * its token in a Secret instead of holding it.
 */
class KubernetesNotebookIT {
  private static final String NAMESPACE = "capstan-default";
  private static final String AGENT = "registry.example.com/capstan/capstan:it";

  @Test
  void aNotebooksPodHasItsWorkspaceItsDatasetByInitContainerAndItsTokenInASecret()
      throws Exception {
    Path data = ServerFixture.newDataDir("capstan-kubernetes-notebook-it");
    TestingCeph ceph = TestingCeph.shared();
    try (TestingCluster cluster = new TestingCluster().node("gpu-a", 2);
        KubernetesClient kubernetes =
            new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(cluster.kubeconfig()))
                .build()) {
      try (ServerProcess server =
          ServerProcess.onCluster(
              data,
              cluster,
              "capstan.runtime.kubernetes.agent-image=" + AGENT,
              "capstan.runtime.kubernetes.artifact-url-lifetime=2h",
              "capstan.artifacts.store=s3",
              "capstan.artifacts.s3.endpoint=" + ceph.endpoint(),
              "capstan.artifacts.s3.bucket=k8s-notebooks",
              "capstan.artifacts.s3.access-key=" + TestingCeph.ACCESS_KEY,
              "capstan.artifacts.s3.secret-key=" + TestingCeph.SECRET_KEY)) {
        server.start();
        TestingHttp http = new TestingHttp(server.url());
        String token = ServerFixture.adminToken(data);

        Path folder = Files.createTempDirectory("mini");
        Files.writeString(folder.resolve("labels.txt"), "cat\ndog\n");
        byte[] image = new byte[150_000];
        new Random(7).nextBytes(image);
        Files.createDirectories(folder.resolve("train"));
        Files.write(folder.resolve("train/img.jpg"), image);
        TestingCli.Result created =
            new TestingCli(server.url(), token)
                .run("data", "create", "mini", "--from", folder.toString(), "-p", "default");
        assertThat(created.exitCode()).as(created.err()).isZero();

        TestingHttp.Answer notebook =
            http.post(
                token,
                "/api/v1/projects/default/notebooks",
                "application/json",
                "{\"name\":\"lab\",\"cpu\":\"500m\",\"memory\":\"1Gi\","
                    + "\"datasets\":[\"mini@1\"]}");
        assertThat(notebook.status()).as(notebook.body()).isEqualTo(201);

        Pod pod =
            await()
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> notebookPod(kubernetes), p -> p != null);
        Container jupyter = pod.getSpec().getContainers().get(0);
        assertThat(jupyter.getCommand()).containsExactly("python3", "-m", "notebook");
        assertThat(jupyter.getArgs())
            .contains("--ip=0.0.0.0", "--NotebookApp.base_url=/notebooks/default/lab/")
            .noneMatch(arg -> arg.contains("token="));

        EnvVar tokenVariable =
            jupyter.getEnv().stream()
                .filter(v -> v.getName().equals("CAPSTAN_NOTEBOOK_TOKEN"))
                .findFirst()
                .orElseThrow();
        assertThat(tokenVariable.getValue()).isNull();
        String tokenSecret = tokenVariable.getValueFrom().getSecretKeyRef().getName();
        Secret env = kubernetes.secrets().inNamespace(NAMESPACE).withName(tokenSecret).get();
        assertThat(
                decode(env.getData().get(tokenVariable.getValueFrom().getSecretKeyRef().getKey())))
            .hasSizeGreaterThan(20);

        Map<String, Volume> volumes =
            pod.getSpec().getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
        // The workspace is the notebook's project volume: the namespace's claim of that name.
        assertThat(volumes.get("claim-notebook-lab").getPersistentVolumeClaim().getClaimName())
            .isEqualTo("notebook-lab");
        // The dataset: an emptyDir (named after the mount's index) mounted read-only.
        String dataset =
            jupyter.getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals("/datasets/mini"))
                .findFirst()
                .orElseThrow()
                .getName();
        assertThat(volumes.get(dataset).getEmptyDir()).isNotNull();
        assertThat(jupyter.getVolumeMounts())
            .extracting(m -> m.getName() + " " + m.getMountPath() + " " + m.getReadOnly())
            .contains(
                "claim-notebook-lab /capstan/workspace false", dataset + " /datasets/mini true")
            .noneMatch(m -> m.startsWith("capstan-artifact-urls"));
        Container init = pod.getSpec().getInitContainers().get(0);
        assertThat(init.getName()).isEqualTo(dataset);
        assertThat(init.getImage()).isEqualTo(AGENT);
        assertThat(pod.toString())
            .doesNotContain(TestingCeph.SECRET_KEY)
            .doesNotContain("X-Amz-Signature");

        // The init container's list, fetched by the real downloader from the RGW.
        Secret urls =
            kubernetes
                .secrets()
                .inNamespace(NAMESPACE)
                .withName(volumes.get("capstan-artifact-urls").getSecret().getSecretName())
                .get();
        Path list =
            Files.writeString(
                data.resolve("list.tsv"), decode(urls.getData().get(dataset + ".tsv")));
        Path target = data.resolve("downloaded");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit =
            StorageInitializer.run(
                new String[] {"storage-initializer", list.toString(), target.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, UTF_8),
                new PrintStream(err, true, UTF_8));
        assertThat(exit).as(err.toString(UTF_8)).isZero();
        assertThat(Files.readString(target.resolve("labels.txt"))).isEqualTo("cat\ndog\n");
        assertThat(Files.readAllBytes(target.resolve("train/img.jpg"))).isEqualTo(image);
        assertThat(decode(urls.getData().get(dataset + ".tsv")))
            .as("checksums from the version's manifest")
            .containsPattern("(?m)^[0-9a-f]{64}\t150000\ttrain/img.jpg\t");
      }
    }
  }

  private static Pod notebookPod(KubernetesClient kubernetes) {
    return kubernetes.pods().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(p -> p.getMetadata().getName().startsWith("nb-lab-"))
        .findFirst()
        .orElse(null);
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), UTF_8);
  }
}
