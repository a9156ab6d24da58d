package io.capstan.runtime;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What a {@link Mount} shows the replica: a host path, one of its job's volumes, a volume of its
 * project, scratch storage of its own, memory, files the launch carries, or an artifact of the
 * control plane's store.
 */
public sealed interface MountSource {
  /** Lowercase letters, digits and dashes, at most 63: a DNS label. */
  Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  /** A claim name: DNS labels joined by dots, at most 253 characters. */
  Pattern CLAIM_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /**
   * A path of the machine the replica runs on, as Kubernetes' {@code hostPath} volume: the control
   * plane only names it (an operator allowed it); the runtime checks it where the replica runs.
   *
   * @param path absolute
   * @param type Kubernetes' check: empty (none; a missing folder is made), {@code Directory} or
   *     {@code File} (must exist as that), {@code DirectoryOrCreate} (made when missing)
   */
  record NodePath(String path, String type) implements MountSource {
    public NodePath {
      requireNonNull(path, "path is null");
      type = type == null ? "" : type;
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException(
            "Expected a node path to be absolute, but was '" + path + "'");
      }
      if (!java.util.List.of("", "Directory", "DirectoryOrCreate", "File").contains(type)) {
        throw new IllegalArgumentException(
            "Expected a node path type of '', Directory, DirectoryOrCreate or File, but was '"
                + type
                + "'");
      }
    }
  }

  /**
   * Storage of the replica's project (its tenant) that outlives every job: a Kubernetes
   * PersistentVolumeClaim of that name in the project's namespace; locally a folder per project and
   * name, made empty on first use. Replicas of other projects never see it, whatever they name.
   *
   * @param claim the claim's name
   * @param subPath a relative path inside it to mount instead of its root (made on first use), or
   *     null
   */
  record ProjectVolume(String claim, String subPath) implements MountSource {
    public ProjectVolume {
      requireNonNull(claim, "claim is null");
      if (claim.length() > 253 || !CLAIM_NAME.matcher(claim).matches()) {
        throw new IllegalArgumentException(
            "Expected a claim name of lowercase letters, digits, '-' and '.', but was '"
                + claim
                + "'");
      }
      if (subPath != null) {
        VolumePaths.check(subPath, "a sub-path");
      }
    }
  }

  /**
   * Scratch storage of one replica (Kubernetes' {@code emptyDir}): empty when the replica first
   * starts, kept across its restarts, gone with the job's volumes.
   *
   * @param name the pod volume's name, a DNS label
   * @param subPath a relative path inside it to mount instead of its root, or null
   */
  record Scratch(String name, String subPath) implements MountSource {
    public Scratch {
      requireNonNull(name, "name is null");
      if (!DNS_LABEL.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "Expected a scratch volume name that is a DNS label, but was '" + name + "'");
      }
      if (subPath != null) {
        VolumePaths.check(subPath, "a sub-path");
      }
    }
  }

  /**
   * Memory (Kubernetes' {@code emptyDir} with {@code medium: Memory}, a tmpfs), as {@code /dev/shm}
   * for PyTorch's data loaders; counted against the replica's memory limit where one is enforced. A
   * runtime that cannot mount a tmpfs gives scratch storage instead.
   *
   * @param sizeLimitBytes the largest it may grow, or null for the runtime's default
   */
  record Memory(Long sizeLimitBytes) implements MountSource {
    public Memory {
      if (sizeLimitBytes != null && sizeLimitBytes <= 0) {
        throw new IllegalArgumentException(
            "Expected a positive memory volume size, but was " + sizeLimitBytes);
      }
    }
  }

  /**
   * A folder of files the launch carries (a secret or config map of the project): relative path to
   * content; the runtime writes them before the start, with {@code mode}, and the replica may only
   * read them. Contents never appear in {@link #toString()}.
   *
   * @param files relative path (no {@code ..}) to content
   * @param mode the files' permission bits, such as {@code 0644}
   */
  record Files(Map<String, byte[]> files, int mode) implements MountSource {
    public Files {
      files = Map.copyOf(requireNonNull(files, "files is null"));
      files.keySet().forEach(path -> VolumePaths.check(path, "a file's path"));
      if (mode < 0 || mode > 0777) {
        throw new IllegalArgumentException(
            "Expected file permission bits from 0 to 0777, but was " + Integer.toOctalString(mode));
      }
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Files that
          && mode == that.mode
          && files.keySet().equals(that.files.keySet())
          && files.entrySet().stream()
              .allMatch(e -> Arrays.equals(e.getValue(), that.files.get(e.getKey())));
    }

    @Override
    public int hashCode() {
      return files.keySet().hashCode() * 31 + mode;
    }

    @Override
    public String toString() {
      return "Files["
          + new TreeSet<>(files.keySet())
          + ", mode "
          + Integer.toOctalString(mode)
          + "]";
    }
  }

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
    public JobVolume {
      requireNonNull(name, "name is null");
      if (!DNS_LABEL.matcher(name).matches()) {
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
