package io.capstan.runtime;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * What a {@link Mount} shows the replica: a host path, one of its job's volumes, or an artifact of
 * the control plane's store.
 */
public sealed interface MountSource {
  /**
   * A file or directory on the machine that runs the replica (an image's code folder): only a
   * runtime on one machine can honour it.
   *
   * @param path absolute
   */
  record HostPath(Path path) implements MountSource {
    public HostPath {
      requireNonNull(path, "path is null");
      if (!path.isAbsolute()) {
        throw new IllegalArgumentException(
            "Expected the host path of a mount to be absolute, but was '" + path + "'");
      }
    }
  }

  /**
   * A volume of the replica's job: storage the runtime owns, made empty on first use and kept for
   * as long as the job, across its attempts, restarts and preemptions ({@link
   * WorkloadRuntime#release} keeps it), until the control plane deletes the job's volumes ({@link
   * JobVolumes#delete}). Every replica of the job that mounts the same name sees the same files.
   * Locally a folder under the runtime's state directory; on Kubernetes a PersistentVolumeClaim per
   * job and name.
   *
   * @param name lowercase letters, digits and dashes, at most 63 characters (a DNS label, as a
   *     Kubernetes volume name): {@code checkpoints}, {@code output}
   */
  record JobVolume(String name) implements MountSource {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public JobVolume {
      requireNonNull(name, "name is null");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "Expected a job volume name of lowercase letters, digits and dashes (a DNS label of"
                + " at most 63 characters), but was '"
                + name
                + "'");
      }
    }
  }

  /**
   * An artifact of the control plane's store, read-only: the runtime reads it through the {@link
   * ArtifactReader} it was built with ({@link RuntimeContext#artifacts()}). The local runtime binds
   * the store's local file when there is one and copies the artifact into the job's storage
   * otherwise; a Kubernetes runtime downloads it in an init container into an {@code emptyDir}.
   *
   * @param key the artifact's key: a relative path of non-empty segments, none of them {@code .} or
   *     {@code ..}
   */
  record Artifact(String key) implements MountSource {
    public Artifact {
      requireNonNull(key, "key is null");
      VolumePaths.check(key, "an artifact key");
    }
  }
}
