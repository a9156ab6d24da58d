package io.capstan.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The objects of a launch go through fabric8's mock API server in CRUD mode (real HTTP on loopback,
 * JSON both ways) and come back as they were built, found by their labels.
 */
@EnableKubernetesMockClient(crud = true)
class MockApiServerTest {
  static KubernetesClient client;

  private final PodSpecs specs = new PodSpecs(KubernetesSettings.defaults());
  private final ServiceSpecs services = new ServiceSpecs(specs.names());

  @Test
  void podServiceSecretConfigMapAndClaimsAreCreatedAndReadBack() {
    ReplicaLaunch launch = PodSpecsTest.pytorchWorker();
    ReplicaObjects objects = specs.objects(launch);
    Service service = services.service(launch.tenant(), launch.id().jobUid());

    client.resource(service).create();
    objects.claims().forEach(claim -> client.resource(claim).create());
    objects.secrets().forEach(secret -> client.resource(secret).create());
    client.resource(objects.files().orElseThrow()).create();
    client.resource(objects.pod()).create();

    String namespace = "capstan-vision";
    Pod pod = client.pods().inNamespace(namespace).withName("mnist-1a2b3c4d-worker-1").get();
    assertThat(pod.getSpec()).isEqualTo(objects.pod().getSpec());
    assertThat(pod.getMetadata().getLabels()).isEqualTo(objects.pod().getMetadata().getLabels());
    assertThat(pod.getMetadata().getUid()).isNotBlank();

    Service stored = client.services().inNamespace(namespace).withName("mnist-1a2b3c4d").get();
    assertThat(stored.getSpec().getClusterIP()).isEqualTo("None");
    List<Pod> selected =
        client
            .pods()
            .inNamespace(namespace)
            .withLabels(stored.getSpec().getSelector())
            .list()
            .getItems();
    assertThat(selected)
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("mnist-1a2b3c4d-worker-1");

    Secret secret =
        client.secrets().inNamespace(namespace).withName("mnist-1a2b3c4d-worker-1-files-6").get();
    assertThat(new String(Base64.getDecoder().decode(secret.getData().get("file-1"))))
        .isEqualTo("s3cr3t");
    ConfigMap files =
        client.configMaps().inNamespace(namespace).withName("mnist-1a2b3c4d-worker-1-files").get();
    assertThat(files.getData()).isEqualTo(objects.files().orElseThrow().getData());

    List<PersistentVolumeClaim> claims =
        client
            .persistentVolumeClaims()
            .inNamespace(namespace)
            .withLabel(PodSpecs.JOB_UID_LABEL, "mnist-1a2b3c4d")
            .list()
            .getItems();
    assertThat(claims)
        .extracting(c -> c.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "mnist-1a2b3c4d-capstan-metrics",
            "mnist-1a2b3c4d-checkpoints",
            "mnist-1a2b3c4d-output");
    assertThat(claims)
        .allSatisfy(
            c ->
                assertThat(c.getSpec().getResources().getRequests())
                    .isEqualTo(
                        objects.claims().stream()
                            .filter(
                                o -> o.getMetadata().getName().equals(c.getMetadata().getName()))
                            .findFirst()
                            .orElseThrow()
                            .getSpec()
                            .getResources()
                            .getRequests()));
  }

  @Test
  void deletingTheJobsPodsByLabelLeavesItsClaims() {
    // Another project than the first test's, whose objects the shared mock server still holds.
    ReplicaLaunch worker = PodSpecsTest.pytorchWorker().toBuilder().tenant("speech").build();
    ReplicaLaunch master =
        ReplicaLaunch.builder(new ReplicaId("mnist-1a2b3c4d", "master-0"))
            .image(worker.image())
            .resources(worker.resources())
            .tenant(worker.tenant())
            .mounts(worker.mounts().subList(0, 2))
            .build();
    for (ReplicaLaunch launch : List.of(worker, master)) {
      ReplicaObjects objects = specs.objects(launch);
      for (PersistentVolumeClaim claim : objects.claims()) {
        // The job's replicas share its claims: the second finds them made.
        if (client.resource(claim).get() == null) {
          client.resource(claim).create();
        }
      }
      client.resource(objects.pod()).create();
    }

    client
        .pods()
        .inNamespace("capstan-speech")
        .withLabel(PodSpecs.JOB_UID_LABEL, "mnist-1a2b3c4d")
        .delete();

    assertThat(client.pods().inNamespace("capstan-speech").list().getItems()).isEmpty();
    assertThat(client.persistentVolumeClaims().inNamespace("capstan-speech").list().getItems())
        .hasSize(3);
  }
}
