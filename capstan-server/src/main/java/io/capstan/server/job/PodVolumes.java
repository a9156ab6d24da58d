package io.capstan.server.job;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.PodVolume;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.VolumeMount;
import io.capstan.runtime.FileSpec;
import io.capstan.runtime.Mount;
import io.capstan.runtime.MountSource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A replica group's pod volumes as the runtime's mounts: a {@code persistentVolumeClaim} is a
 * volume of the project that outlives the job, an {@code emptyDir} the replica's scratch storage
 * (memory with {@code medium: Memory}), a {@code hostPath} a host folder the operator allowed, a
 * {@code secret} or {@code configMap} the project's object as read-only files. {@link #check}
 * refuses at submission what could never be mounted, naming the field; {@link #mounts} builds the
 * mounts of a launch, reading secrets and config maps as they are at that moment.
 */
final class PodVolumes {
  private static final int DEFAULT_MODE = 0644;

  private final JobVolumesConfig config;
  private final ProjectValues values;

  PodVolumes(JobVolumesConfig config, ProjectValues values) {
    this.config = requireNonNull(config, "config is null");
    this.values = requireNonNull(values, "values is null");
  }

  /** The mounts and single files of a replica of {@code group}. */
  record Mounted(List<Mount> mounts, List<FileSpec> files) {}

  /** Refuses a job whose volumes could never be mounted in {@code project}, naming the field. */
  void check(String project, JobSpec spec) {
    for (ReplicaGroupSpec group : spec.replicaGroups()) {
      mounts(project, spec, group);
    }
  }

  /** The mounts of a replica of {@code group} of a job of {@code project}. */
  Mounted mounts(String project, JobSpec spec, ReplicaGroupSpec group) {
    List<Mount> mounts = new ArrayList<>();
    List<FileSpec> files = new ArrayList<>();
    List<PodVolume> volumes = group.pod().volumes();
    String container = SpecPaths.container(spec, group);
    List<VolumeMount> volumeMounts = group.pod().volumeMounts();
    for (int m = 0; m < volumeMounts.size(); m++) {
      VolumeMount mount = volumeMounts.get(m);
      PodVolume volume = group.pod().volume(mount.name());
      String field = SpecPaths.podSpec(spec, group) + ".volumes[" + volumes.indexOf(volume) + "]";
      String mountField = container + ".volumeMounts[" + m + "]";
      if (volume.persistentVolumeClaim() != null) {
        PodVolume.Claim claim = volume.persistentVolumeClaim();
        mounts.add(
            new Mount(
                new MountSource.ProjectVolume(claim.claimName(), mount.subPath()),
                mount.mountPath(),
                mount.readOnly() || claim.readOnly()));
      } else if (volume.emptyDir() != null) {
        mounts.add(emptyDir(volume, mount, mountField));
      } else if (volume.hostPath() != null) {
        mounts.add(hostPath(volume.hostPath(), mount, field + ".hostPath"));
      } else {
        boolean secret = volume.secret() != null;
        PodVolume.Keys keys = secret ? volume.secret() : volume.configMap();
        Map<String, byte[]> content =
            keyFiles(project, keys, secret, field + (secret ? ".secret" : ".configMap"));
        if (mount.subPath() == null) {
          int mode = keys.defaultMode() == null ? DEFAULT_MODE : keys.defaultMode();
          mounts.add(new Mount(new MountSource.Files(content, mode), mount.mountPath(), true));
        } else {
          byte[] file = content.get(mount.subPath());
          if (file == null) {
            throw CapstanException.invalidSpec(
                mountField + ".subPath",
                "Expected "
                    + mountField
                    + ".subPath to name a file of volume '"
                    + volume.name()
                    + "' "
                    + content.keySet().stream().sorted().toList()
                    + ", but was '"
                    + mount.subPath()
                    + "'");
          }
          files.add(new FileSpec(mount.mountPath(), new String(file, StandardCharsets.UTF_8)));
        }
      }
    }
    return new Mounted(List.copyOf(mounts), List.copyOf(files));
  }

  private static Mount emptyDir(PodVolume volume, VolumeMount mount, String mountField) {
    PodVolume.EmptyDir emptyDir = volume.emptyDir();
    if (!emptyDir.memory()) {
      return new Mount(
          new MountSource.Scratch(volume.name(), mount.subPath()),
          mount.mountPath(),
          mount.readOnly());
    }
    if (mount.subPath() != null) {
      throw CapstanException.invalidSpec(
          mountField + ".subPath",
          "Expected "
              + mountField
              + " of memory volume '"
              + volume.name()
              + "' to have no subPath (Capstan mounts a memory volume whole), but it has '"
              + mount.subPath()
              + "'");
    }
    return new Mount(
        new MountSource.Memory(emptyDir.sizeLimitBytes()), mount.mountPath(), mount.readOnly());
  }

  private Mount hostPath(PodVolume.HostPath hostPath, VolumeMount mount, String field) {
    String path = hostPath.path();
    if (!config.allows(path)) {
      throw CapstanException.invalidSpec(
          field + ".path",
          "Expected "
              + field
              + ".path to be under a host path the operator allows "
              + config.allowedHostPaths()
              + " (capstan.job-volumes.allowed-host-paths), but was '"
              + path
              + "'");
    }
    String full = mount.subPath() == null ? path : path + "/" + mount.subPath();
    return new Mount(
        new MountSource.NodePath(full, hostPath.type()), mount.mountPath(), mount.readOnly());
  }

  /** The files of a secret or config map volume: every key, or the listed items at their paths. */
  private Map<String, byte[]> keyFiles(
      String project, PodVolume.Keys keys, boolean secret, String field) {
    Optional<Map<String, byte[]>> found =
        secret
            ? values.secret(project, keys.name())
            : values.configMap(project, keys.name()).map(PodVolumes::bytes);
    String what = secret ? "secret" : "config map";
    if (found.isEmpty()) {
      if (keys.optional()) {
        return Map.of();
      }
      throw CapstanException.invalidSpec(
          field + (secret ? ".secretName" : ".name"),
          "Expected "
              + what
              + " '"
              + keys.name()
              + "' in project '"
              + project
              + "' (named by "
              + field
              + "), but there is none; create it first or mark the volume optional");
    }
    Map<String, byte[]> all = found.get();
    if (keys.items().isEmpty()) {
      return all;
    }
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (int i = 0; i < keys.items().size(); i++) {
      PodVolume.KeyPath item = keys.items().get(i);
      byte[] value = all.get(item.key());
      if (value == null) {
        if (keys.optional()) {
          continue;
        }
        throw CapstanException.invalidSpec(
            field + ".items[" + i + "].key",
            "Expected "
                + what
                + " '"
                + keys.name()
                + "' to have key '"
                + item.key()
                + "', but its keys are "
                + all.keySet().stream().sorted().toList());
      }
      files.put(item.path(), value);
    }
    return files;
  }

  private static Map<String, byte[]> bytes(Map<String, String> text) {
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    text.forEach((key, value) -> bytes.put(key, value.getBytes(StandardCharsets.UTF_8)));
    return bytes;
  }
}
