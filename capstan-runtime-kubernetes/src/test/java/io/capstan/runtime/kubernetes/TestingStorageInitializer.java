package io.capstan.runtime.kubernetes;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.capstan.runtime.ArtifactDownload;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the {@link TestingKubelet} makes of a pod's {@code storage-initializer} init containers: it
 * reads each one's download list from the Secret the pod mounts, GETs every URL over real HTTP and
 * keeps the files in memory as the content of the container's {@code emptyDir}, which the replica's
 * in-memory program then reads ({@code print-file}). The real downloader is tested in the server
 * against Ceph ({@code StorageInitializerIT}).
 */
final class TestingStorageInitializer {
  private final KubernetesClient client;
  private final HttpClient http = HttpClient.newHttpClient();

  /** Files by {@code podUid/volume/path}. */
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();

  TestingStorageInitializer(KubernetesClient client) {
    this.client = client;
  }

  /** Runs the pod's init containers; empty when all succeeded, else what the failed one printed. */
  Optional<String> run(Pod pod) {
    for (Container init : pod.getSpec().getInitContainers()) {
      if (init.getArgs().isEmpty() || !init.getArgs().get(0).equals("storage-initializer")) {
        continue;
      }
      try {
        download(pod, init);
      } catch (IOException | RuntimeException e) {
        return Optional.of("storage-initializer: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.of("storage-initializer: interrupted");
      }
    }
    return Optional.empty();
  }

  /** A file the replica's container sees at {@code path} in an {@code emptyDir} an init filled. */
  Optional<String> file(Pod pod, String path) {
    for (VolumeMount mount : pod.getSpec().getContainers().get(0).getVolumeMounts()) {
      String relative;
      if (mount.getSubPath() != null && path.equals(mount.getMountPath())) {
        relative = mount.getSubPath();
      } else if (mount.getSubPath() == null && path.startsWith(mount.getMountPath() + "/")) {
        relative = path.substring(mount.getMountPath().length() + 1);
      } else {
        continue;
      }
      byte[] content =
          files.get(pod.getMetadata().getUid() + "/" + mount.getName() + "/" + relative);
      if (content != null) {
        return Optional.of(new String(content, UTF_8));
      }
    }
    return Optional.empty();
  }

  private void download(Pod pod, Container init) throws IOException, InterruptedException {
    String list = init.getArgs().get(1);
    String target = init.getArgs().get(2);
    String listVolume = volumeAt(init, list.substring(0, list.lastIndexOf('/')));
    String targetVolume = volumeAt(init, target);
    Secret secret =
        client
            .secrets()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(secretOf(pod, listVolume))
            .get();
    String key = list.substring(list.lastIndexOf('/') + 1);
    ArtifactDownload download =
        ArtifactDownload.parse(
            new String(Base64.getDecoder().decode(secret.getData().get(key)), UTF_8));
    for (ArtifactDownload.File file : download.files()) {
      HttpResponse<byte[]> response;
      try {
        response =
            http.send(
                HttpRequest.newBuilder(file.url()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        throw new IOException("Cannot download '" + file.path() + "' from " + file.place(), e);
      }
      if (response.statusCode() != 200) {
        throw new IOException(
            "Cannot download '" + file.path() + "': HTTP " + response.statusCode());
      }
      files.put(
          pod.getMetadata().getUid() + "/" + targetVolume + "/" + file.path(), response.body());
    }
  }

  private static String volumeAt(Container init, String path) {
    return init.getVolumeMounts().stream()
        .filter(m -> m.getMountPath().equals(path))
        .map(VolumeMount::getName)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("No volume at " + path + " in " + init));
  }

  private static String secretOf(Pod pod, String volume) {
    return pod.getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals(volume) && v.getSecret() != null)
        .map((Volume v) -> v.getSecret().getSecretName())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("No secret volume " + volume));
  }
}
