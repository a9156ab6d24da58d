package io.capstan.runtime.kubernetes;

import io.capstan.runtime.FileSpec;
import io.capstan.runtime.MetricFiles;
import io.capstan.runtime.Mount;
import io.capstan.runtime.MountSource;
import io.capstan.runtime.PythonHelper;
import io.capstan.runtime.ReplicaLaunch;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A launch's mounts and files as a pod's volumes and volume mounts, with the Secrets, ConfigMap and
 * claims they need. Mounts of the same job volume, project claim or scratch name share one pod
 * volume; artifacts are downloaded by init containers into volumes of their own ({@link
 * ArtifactInitializers}); host paths are refused.
 */
final class PodVolumes {
  /** The pod volume of the launch's files; no other volume of the runtime's is called so. */
  static final String FILES_VOLUME = "capstan-files";

  private final ReplicaLaunch launch;
  private final KubernetesSettings settings;
  private final KubernetesNames names;
  private final ObjectMeta owned;
  private final ArtifactInitializers artifacts;
  private final List<Container> initContainers = new ArrayList<>();
  private final Map<String, String> downloadLists = new LinkedHashMap<>();
  private final Map<String, Volume> volumes = new LinkedHashMap<>();
  private final Map<String, String> volumeOwners = new LinkedHashMap<>();
  private final List<VolumeMount> mounts = new ArrayList<>();
  private final List<Secret> secrets = new ArrayList<>();
  private final List<PersistentVolumeClaim> claims = new ArrayList<>();
  private ConfigMap files;

  private PodVolumes(
      ReplicaLaunch launch,
      KubernetesSettings settings,
      KubernetesNames names,
      ObjectMeta owned,
      ArtifactInitializers artifacts) {
    this.launch = launch;
    this.settings = settings;
    this.names = names;
    this.owned = owned;
    this.artifacts = artifacts;
  }

  /**
   * The volumes of {@code launch}; {@code owned} is the metadata (name, namespace, labels) of the
   * pod, from which the objects made for it take theirs.
   */
  static PodVolumes of(
      ReplicaLaunch launch,
      KubernetesSettings settings,
      KubernetesNames names,
      ObjectMeta owned,
      ArtifactInitializers artifacts) {
    PodVolumes result = new PodVolumes(launch, settings, names, owned, artifacts);
    if (KubernetesMetricFiles.offeredTo(launch)) {
      result.addMetrics();
    }
    for (int i = 0; i < launch.mounts().size(); i++) {
      result.add(launch.mounts().get(i), i);
    }
    result.addFiles(launch.files());
    result.addDownloadLists();
    return result;
  }

  /** The init containers that download the launch's artifacts, one per artifact mount. */
  List<Container> initContainers() {
    return List.copyOf(initContainers);
  }

  List<Volume> volumes() {
    return List.copyOf(volumes.values());
  }

  List<VolumeMount> mounts() {
    return List.copyOf(mounts);
  }

  List<Secret> secrets() {
    return List.copyOf(secrets);
  }

  List<PersistentVolumeClaim> claims() {
    return List.copyOf(claims);
  }

  Optional<ConfigMap> files() {
    return Optional.ofNullable(files);
  }

  private void add(Mount mount, int index) {
    String path = mount.containerPath();
    MountSource source = mount.source();
    if (source instanceof MountSource.JobVolume job) {
      String volume = KubernetesNames.label("job-" + job.name());
      String what = "job volume " + job.name();
      if (!sharedAlready(volume, what)) {
        String claim = names.claim(launch.id().jobUid(), job.name());
        claims.add(claim(claim, job.name(), settings.jobVolumeSize()));
        volume(volume, what, claimVolume(volume, claim));
      }
      mount(volume, path, mount.readOnly(), null);
    } else if (source instanceof MountSource.ProjectVolume project) {
      String volume = KubernetesNames.label("claim-" + project.claim());
      String what = "claim " + project.claim();
      if (!sharedAlready(volume, what)) {
        volume(volume, what, claimVolume(volume, project.claim()));
      }
      mount(volume, path, mount.readOnly(), project.subPath());
    } else if (source instanceof MountSource.Scratch scratch
        && scratch.name().equals(MetricFiles.COLLECTOR_VOLUME)
        && KubernetesMetricFiles.offeredTo(launch)) {
      // A Katib collector's folder: on the metrics claim, where the runtime reads it.
      String folder = KubernetesMetricFiles.folder(launch.id(), MetricFiles.COLLECTOR_DIR);
      mount(
          KubernetesMetricFiles.VOLUME,
          path,
          mount.readOnly(),
          scratch.subPath() == null ? folder : folder + "/" + scratch.subPath());
    } else if (source instanceof MountSource.Scratch scratch) {
      String what = "scratch " + scratch.name();
      if (!sharedAlready(scratch.name(), what)) {
        Volume volume =
            new VolumeBuilder().withName(scratch.name()).withNewEmptyDir().endEmptyDir().build();
        volume(scratch.name(), what, volume);
      }
      mount(scratch.name(), path, mount.readOnly(), scratch.subPath());
    } else if (source instanceof MountSource.Memory memory) {
      addMemory(memory, index, path, mount.readOnly());
    } else if (source instanceof MountSource.NodePath node) {
      String volume = "node-" + index;
      volume(
          volume,
          "node path " + node.path(),
          new VolumeBuilder()
              .withName(volume)
              .withNewHostPath()
              .withPath(node.path())
              .withType(node.type())
              .endHostPath()
              .build());
      mount(volume, path, mount.readOnly(), null);
    } else if (source instanceof MountSource.Files carried) {
      addSecret(carried, index, path);
    } else if (source instanceof MountSource.HostPath host) {
      throw new IllegalArgumentException(
          "Expected mounts a cluster can give a pod, but the mount at '"
              + path
              + "' of replica "
              + launch.id().key()
              + " is host path "
              + host.path()
              + " of the control plane's machine, which only a one-machine runtime has");
    } else if (source instanceof MountSource.Artifact artifact) {
      ArtifactInitializers.Prepared prepared =
          artifacts.prepare(launch, index, path, artifact.key());
      String volume = prepared.volume().getName();
      volume(volume, "artifact " + artifact.key(), prepared.volume());
      mount(volume, path, true, prepared.subPath());
      initContainers.add(prepared.container());
      downloadLists.put(prepared.listKey(), prepared.list());
    } else {
      throw new IllegalStateException("Expected a known mount source, but was " + source);
    }
  }

  /**
   * The replica's metric files ({@link KubernetesMetricFiles}): the job's metrics claim, its
   * replica's folder mounted at {@link KubernetesMetricFiles#ROOT} and the TensorBoard folder in it
   * (so that both exist before the replica starts); and the Python helper's folder.
   */
  private void addMetrics() {
    String claim = names.claim(launch.id().jobUid(), KubernetesMetricFiles.VOLUME);
    claims.add(claim(claim, KubernetesMetricFiles.VOLUME, KubernetesMetricFiles.CLAIM_SIZE));
    volume(
        KubernetesMetricFiles.VOLUME,
        "the replica's metric files",
        claimVolume(KubernetesMetricFiles.VOLUME, claim));
    mount(
        KubernetesMetricFiles.VOLUME,
        KubernetesMetricFiles.ROOT,
        false,
        KubernetesMetricFiles.folder(launch.id(), null));
    mount(
        KubernetesMetricFiles.VOLUME,
        KubernetesMetricFiles.ROOT + "/" + MetricFiles.TENSORBOARD_DIR,
        false,
        KubernetesMetricFiles.folder(launch.id(), MetricFiles.TENSORBOARD_DIR));
    // Optional: a namespace whose ConfigMap the operator forbade still runs its pods.
    volume(
        KubernetesMetricFiles.PYTHON_LIBRARY,
        "the Python helper",
        new VolumeBuilder()
            .withName(KubernetesMetricFiles.PYTHON_LIBRARY)
            .withNewConfigMap()
            .withName(KubernetesMetricFiles.PYTHON_LIBRARY)
            .withOptional(true)
            .endConfigMap()
            .build());
    mount(KubernetesMetricFiles.PYTHON_LIBRARY, PythonHelper.FOLDER, true, null);
  }

  private void addMemory(MountSource.Memory memory, int index, String path, boolean readOnly) {
    String volume = "memory-" + index;
    Quantity limit =
        memory.sizeLimitBytes() == null
            ? null
            : new Quantity(Long.toString(memory.sizeLimitBytes()));
    volume(
        volume,
        "memory of mount " + index,
        new VolumeBuilder()
            .withName(volume)
            .withNewEmptyDir()
            .withMedium("Memory")
            .withSizeLimit(limit)
            .endEmptyDir()
            .build());
    mount(volume, path, readOnly, null);
  }

  private void addSecret(MountSource.Files carried, int index, String path) {
    String name = KubernetesNames.label(owned.getName() + "-files-" + index);
    String volume = "files-" + index;
    Map<String, String> data = new LinkedHashMap<>();
    List<KeyToPath> items = new ArrayList<>();
    // A secret's keys cannot hold '/': the files get keys of their own and their paths as items.
    for (Map.Entry<String, byte[]> file : new TreeMap<>(carried.files()).entrySet()) {
      String key = "file-" + items.size();
      data.put(key, Base64.getEncoder().encodeToString(file.getValue()));
      items.add(new KeyToPathBuilder().withKey(key).withPath(file.getKey()).build());
    }
    secrets.add(
        new SecretBuilder()
            .withMetadata(ownedMeta(name))
            .withType("Opaque")
            .withData(data)
            .build());
    volume(
        volume,
        "files of mount " + index,
        new VolumeBuilder()
            .withName(volume)
            .withNewSecret()
            .withSecretName(name)
            .withDefaultMode(carried.mode())
            .withItems(items)
            .endSecret()
            .build());
    mount(volume, path, true, null);
  }

  private void addFiles(List<FileSpec> specs) {
    if (specs.isEmpty()) {
      return;
    }
    Map<String, String> data = new LinkedHashMap<>();
    String name = KubernetesNames.label(owned.getName() + "-files");
    for (int i = 0; i < specs.size(); i++) {
      String key = "file-" + i;
      data.put(key, specs.get(i).content());
      mount(FILES_VOLUME, specs.get(i).containerPath(), true, key);
    }
    files = new ConfigMapBuilder().withMetadata(ownedMeta(name)).withData(data).build();
    volume(
        FILES_VOLUME,
        "the launch's files",
        new VolumeBuilder()
            .withName(FILES_VOLUME)
            .withNewConfigMap()
            .withName(name)
            .endConfigMap()
            .build());
  }

  /** The Secret of the download lists, a volume of the init containers only. */
  private void addDownloadLists() {
    if (downloadLists.isEmpty()) {
      return;
    }
    String name = KubernetesNames.label(owned.getName() + "-artifacts");
    secrets.add(
        new SecretBuilder()
            .withMetadata(ownedMeta(name))
            .withType("Opaque")
            .withData(base64(downloadLists))
            .build());
    volume(
        ArtifactInitializers.URLS_VOLUME,
        "the artifacts' download lists",
        new VolumeBuilder()
            .withName(ArtifactInitializers.URLS_VOLUME)
            .withNewSecret()
            .withSecretName(name)
            .withDefaultMode(0400)
            .endSecret()
            .build());
  }

  private static Map<String, String> base64(Map<String, String> texts) {
    Map<String, String> data = new LinkedHashMap<>();
    texts.forEach(
        (key, text) ->
            data.put(
                key,
                Base64.getEncoder()
                    .encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    return data;
  }

  private Volume claimVolume(String volume, String claim) {
    return new VolumeBuilder()
        .withName(volume)
        .withNewPersistentVolumeClaim()
        .withClaimName(claim)
        .endPersistentVolumeClaim()
        .build();
  }

  private PersistentVolumeClaim claim(String claim, String volume, String size) {
    ObjectMeta meta = ownedMeta(claim);
    meta.getLabels().remove(PodSpecs.REPLICA_LABEL);
    meta.getLabels().remove(PodSpecs.ATTEMPT_LABEL);
    meta.getLabels().put(PodSpecs.VOLUME_LABEL, volume);
    return new PersistentVolumeClaimBuilder()
        .withMetadata(meta)
        .withNewSpec()
        .withAccessModes("ReadWriteMany")
        .withStorageClassName(settings.storageClass())
        .withNewResources()
        .addToRequests("storage", new Quantity(size))
        .endResources()
        .endSpec()
        .build();
  }

  private ObjectMeta ownedMeta(String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(owned.getNamespace())
        .withLabels(new LinkedHashMap<>(owned.getLabels()))
        .build();
  }

  /** Whether {@code what} has its pod volume {@code name} already (another mount of it). */
  private boolean sharedAlready(String name, String what) {
    return what.equals(volumeOwners.get(name));
  }

  private void volume(String name, String what, Volume volume) {
    String other = volumeOwners.putIfAbsent(name, what);
    if (other != null) {
      throw new IllegalArgumentException(
          "Expected one pod volume per name in replica "
              + launch.id().key()
              + ", but "
              + what
              + " and "
              + other
              + " are both called '"
              + name
              + "'");
    }
    volumes.put(name, volume);
  }

  private void mount(String volume, String path, boolean readOnly, String subPath) {
    mounts.add(
        new VolumeMountBuilder()
            .withName(volume)
            .withMountPath(path)
            .withReadOnly(readOnly)
            .withSubPath(subPath)
            .build());
  }
}
