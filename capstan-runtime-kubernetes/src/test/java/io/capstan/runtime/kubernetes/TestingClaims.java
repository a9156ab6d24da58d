package io.capstan.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The claims of a {@link TestingCluster} as local folders, {@code <root>/<namespace>/<claim>}, and
 * where a container's path falls in them through its mounts.
 */
record TestingClaims(Path root) {
  /** The local folder that holds the contents of {@code claim}. */
  Path folder(String namespace, String claim) {
    return root.resolve(namespace).resolve(claim);
  }

  /**
   * Makes the folders of the claims the pod mounts, and of its containers' sub-paths in them, as a
   * bound volume and the kubelet's sub-path mounts have them before a container starts.
   */
  void provision(Pod pod) {
    String namespace = pod.getMetadata().getNamespace();
    for (Volume volume : pod.getSpec().getVolumes()) {
      if (volume.getPersistentVolumeClaim() == null) {
        continue;
      }
      Path claim = folder(namespace, volume.getPersistentVolumeClaim().getClaimName());
      try {
        Files.createDirectories(claim);
        for (Container container : pod.getSpec().getContainers()) {
          for (VolumeMount mount : container.getVolumeMounts()) {
            if (mount.getName().equals(volume.getName()) && mount.getSubPath() != null) {
              Files.createDirectories(claim.resolve(mount.getSubPath()));
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** {@code word}, with a claim's mount path at its start turned into the claim's local folder. */
  String local(Pod pod, Container container, String word) {
    return path(pod, container, word, false).map(Path::toString).orElse(word);
  }

  /** The local file of {@code path} in a claim the container mounts (writable if asked). */
  Optional<Path> path(Pod pod, Container container, String path, boolean writable) {
    for (VolumeMount mount : container.getVolumeMounts()) {
      String root = mount.getMountPath();
      if (!path.equals(root) && !path.startsWith(root + "/")) {
        continue;
      }
      if (writable && Boolean.TRUE.equals(mount.getReadOnly())) {
        return Optional.empty();
      }
      for (Volume volume : pod.getSpec().getVolumes()) {
        if (volume.getName().equals(mount.getName()) && volume.getPersistentVolumeClaim() != null) {
          if (writable && Boolean.TRUE.equals(volume.getPersistentVolumeClaim().getReadOnly())) {
            return Optional.empty();
          }
          Path folder =
              folder(
                  pod.getMetadata().getNamespace(),
                  volume.getPersistentVolumeClaim().getClaimName());
          if (mount.getSubPath() != null) {
            folder = folder.resolve(mount.getSubPath());
          }
          String rest = path.substring(root.length()).replaceFirst("^/", "");
          return Optional.of(rest.isEmpty() ? folder : folder.resolve(rest));
        }
      }
    }
    return Optional.empty();
  }
}
