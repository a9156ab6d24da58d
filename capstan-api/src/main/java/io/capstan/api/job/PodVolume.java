package io.capstan.api.job;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.stream.Stream;

/**
 * A volume of a replica's pod template, as Kubernetes writes it: a name and exactly one source.
 * Capstan honours these five sources; the parser refuses any other, naming the field.
 *
 * @param name the volume's name, which {@link VolumeMount#name()} refers to
 * @param persistentVolumeClaim storage of the project that outlives the job, or null
 * @param emptyDir storage of the replica, empty when it first starts, or null
 * @param hostPath a path of the machine, mounted only where the operator allows it, or null
 * @param secret a secret of the project as files, or null
 * @param configMap a config map of the project as files, or null
 */
public record PodVolume(
    String name,
    Claim persistentVolumeClaim,
    EmptyDir emptyDir,
    HostPath hostPath,
    Keys secret,
    Keys configMap) {
  public PodVolume {
    requireNonNull(name, "name is null");
    long sources =
        Stream.of(persistentVolumeClaim, emptyDir, hostPath, secret, configMap)
            .filter(source -> source != null)
            .count();
    if (sources != 1) {
      throw new IllegalArgumentException(
          "Expected volume '" + name + "' to have exactly one source, but it has " + sources);
    }
  }

  /** A claim on the project's persistent storage, by name. */
  public record Claim(String claimName, boolean readOnly) {
    public Claim {
      requireNonNull(claimName, "claimName is null");
    }
  }

  /**
   * Scratch storage of one replica.
   *
   * @param memory Kubernetes' {@code medium: Memory}: a tmpfs
   * @param sizeLimitBytes the largest it may grow, or null
   */
  public record EmptyDir(boolean memory, Long sizeLimitBytes) {}

  /**
   * A path of the machine that runs the replica.
   *
   * @param type Kubernetes' check before mounting: empty (none), {@code Directory}, {@code
   *     DirectoryOrCreate} or {@code File}
   */
  public record HostPath(String path, String type) {
    public HostPath {
      requireNonNull(path, "path is null");
      type = type == null ? "" : type;
    }
  }

  /**
   * A secret or config map of the project, one file per key (or per listed item).
   *
   * @param name the secret's or config map's name
   * @param items the keys to show and their file paths, or empty for every key at its own name
   * @param optional whether a missing object or key is no error (the folder is then empty)
   * @param defaultMode the files' mode bits, or null for {@code 0644}
   */
  public record Keys(String name, List<KeyPath> items, boolean optional, Integer defaultMode) {
    public Keys {
      requireNonNull(name, "name is null");
      items = items == null ? List.of() : List.copyOf(items);
    }
  }

  /** One key shown as a file at a relative path. */
  public record KeyPath(String key, String path) {
    public KeyPath {
      requireNonNull(key, "key is null");
      requireNonNull(path, "path is null");
    }
  }
}
