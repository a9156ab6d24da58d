package io.capstan.runtime.kubernetes;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.MetricFile;
import io.capstan.runtime.MetricFiles;
import io.capstan.runtime.MountSource;
import io.capstan.runtime.PythonHelper;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.VolumeFile;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Replicas' metric files on a cluster (decision 129). A pod's volumes are out of the control
 * plane's reach, so the files live on a claim of the job's own, {@value #VOLUME}, made with its
 * other job volumes (a launch that mounts none gets no metric files, and neither variable, and
 * prints its metrics): each replica's folder {@code <replica>/} is mounted at {@value #ROOT}, its
 * TensorBoard folder at {@code ROOT/tensorboard}, and a Katib collector's folder at the collector's
 * path from {@code <replica>/collector/}. They are read as the job's other volumes are, through the
 * claim's reader pod ({@link VolumeReaders}): a listing of the replica's folder, then ranged reads,
 * never through a symbolic link. The files outlive the pod, so a replica's last lines are read
 * after it exited, until the job's volumes are deleted. A read costs an exec, so they are read
 * every {@link #READ_EVERY}, not every second.
 */
final class KubernetesMetricFiles implements MetricFiles {
  /** The job volume, and pod volume, of the metric files. */
  static final String VOLUME = "capstan-metrics";

  /**
   * What the metrics claim requests: its files are read up to 64 MiB each, 256 per replica, and a
   * job volume's size would count against a namespace's storage quota for nothing.
   */
  static final String CLAIM_SIZE = "1Gi";

  /** Where a replica's folder is mounted. */
  static final String ROOT = "/capstan/metrics";

  static final Duration READ_EVERY = Duration.ofSeconds(15);

  /** The ConfigMap of each project namespace that holds the Python helper. */
  static final String PYTHON_LIBRARY = "capstan-python-lib";

  /** At most this many collector or event files per replica are listed. */
  private static final int MAX_FILES = 256;

  private static final String EVENTS = ".tfevents.";

  private final Function<ReplicaId, Optional<Pod>> pods;
  private final BiFunction<String, String, PersistentVolumeClaim> claims;
  private final VolumeReaders readers;

  /** A job's metrics claim by job uid: it never moves, and is not read once deleted. */
  private final Map<String, PersistentVolumeClaim> known =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PersistentVolumeClaim> eldest) {
              return size() > 4096;
            }
          });

  /**
   * @param pods a replica's pod, as the informer shows it (no request)
   * @param claims a claim by namespace and name, or null (one request, once per job)
   */
  KubernetesMetricFiles(
      Function<ReplicaId, Optional<Pod>> pods,
      BiFunction<String, String, PersistentVolumeClaim> claims,
      VolumeReaders readers) {
    this.pods = requireNonNull(pods, "pods is null");
    this.claims = requireNonNull(claims, "claims is null");
    this.readers = requireNonNull(readers, "readers is null");
  }

  /** Whether the launch gets metric files: it mounts a job volume, so its job has claims. */
  static boolean offeredTo(ReplicaLaunch launch) {
    return launch.mounts().stream().anyMatch(m -> m.source() instanceof MountSource.JobVolume);
  }

  /** The variables that name a launch's metric files, as its container sees them. */
  static Map<String, String> environment() {
    return Map.of(
        METRICS_FILE_ENV,
        ROOT + "/" + METRICS_FILE,
        TENSORBOARD_DIR_ENV,
        ROOT + "/" + TENSORBOARD_DIR);
  }

  /** The ConfigMap of {@code namespace} with the {@code capstan_metrics} helper. */
  static ConfigMap pythonLibrary(String namespace) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(PYTHON_LIBRARY)
        .withNamespace(namespace)
        .endMetadata()
        .withData(Map.of(PythonHelper.MODULE, PythonHelper.source()))
        .build();
  }

  /**
   * The launch's {@code PYTHONPATH} with the helper's folder after it, where the launch sets one;
   * none where it does not, since a container's variable would replace the image's own.
   */
  static Optional<String> pythonPath(ReplicaLaunch launch) {
    return Optional.ofNullable(launch.env().get("PYTHONPATH"))
        .map(path -> PythonHelper.appendTo(path, PythonHelper.FOLDER));
  }

  /** The replica's folder on the metrics claim, or {@code sub} in it. */
  static String folder(ReplicaId id, String sub) {
    return sub == null ? id.replica() : id.replica() + "/" + sub;
  }

  @Override
  public Duration readEvery() {
    return READ_EVERY;
  }

  @Override
  public List<MetricFile> list(ReplicaId id) {
    requireNonNull(id, "id is null");
    Optional<PersistentVolumeClaim> claim = claim(id);
    if (claim.isEmpty()) {
      return List.of();
    }
    List<MetricFile> files = new ArrayList<>();
    int others = 0;
    for (VolumeFile file : readers.list(claim.get(), folder(id, null))) {
      if (!file.regularFile()) {
        continue; // a link, a socket, a device: never read
      }
      String path = file.path();
      if (path.equals(METRICS_FILE)) {
        files.add(new MetricFile(path, MetricFile.Format.JSON_LINES, file.sizeBytes()));
      } else if (others >= MAX_FILES) {
        continue;
      } else if (path.startsWith(TENSORBOARD_DIR + "/") && path.contains(EVENTS)) {
        files.add(new MetricFile(path, MetricFile.Format.TF_EVENTS, file.sizeBytes()));
        others++;
      } else if (path.startsWith(COLLECTOR_DIR + "/")) {
        MetricFile.Format format =
            path.contains(EVENTS) ? MetricFile.Format.TF_EVENTS : MetricFile.Format.LINES;
        files.add(new MetricFile(path, format, file.sizeBytes()));
        others++;
      }
    }
    return List.copyOf(files);
  }

  @Override
  public byte[] read(ReplicaId id, String path, long offset, int maxBytes) {
    requireNonNull(id, "id is null");
    new MetricFile(path, MetricFile.Format.LINES, 0); // checks the path
    if (offset < 0 || maxBytes < 1) {
      throw new IllegalArgumentException(
          "Expected a non-negative offset and a positive maxBytes, but were "
              + offset
              + " and "
              + maxBytes);
    }
    PersistentVolumeClaim claim =
        claim(id)
            .orElseThrow(
                () ->
                    new NoSuchElementException(
                        "Expected metric file '"
                            + path
                            + "' of replica "
                            + id.key()
                            + ", but its job has no metrics claim"));
    return readers.read(claim, folder(id, path), offset, maxBytes);
  }

  /**
   * The replica's metrics claim: named by its pod's volume (a pod without one gets no metric
   * files), fetched once per job and kept. So a pass sends no request to find it.
   */
  private Optional<PersistentVolumeClaim> claim(ReplicaId id) {
    PersistentVolumeClaim claim = known.get(id.jobUid());
    if (claim != null) {
      return Optional.of(claim);
    }
    Optional<Pod> pod = pods.apply(id);
    Optional<String> name =
        pod.flatMap(
            p ->
                p.getSpec().getVolumes().stream()
                    .filter(v -> v.getName().equals(VOLUME) && v.getPersistentVolumeClaim() != null)
                    .map(v -> v.getPersistentVolumeClaim().getClaimName())
                    .findFirst());
    if (name.isEmpty()) {
      return Optional.empty();
    }
    Optional<PersistentVolumeClaim> found =
        Optional.ofNullable(claims.apply(pod.get().getMetadata().getNamespace(), name.get()));
    found.ifPresent(c -> known.put(id.jobUid(), c));
    return found;
  }
}
