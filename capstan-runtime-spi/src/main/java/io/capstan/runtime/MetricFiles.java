package io.capstan.runtime;

import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The files a replica writes its training metrics to, read through the runtime, never from a disk
 * the control plane opens itself (decision 111): the JSON-lines file named by {@link
 * #METRICS_FILE_ENV} and the TensorBoard event files under the folder named by {@link
 * #TENSORBOARD_DIR_ENV}. A runtime that offers this sets both variables in every replica's
 * environment (the launch's own values are replaced) and keeps the files at least until the job's
 * volumes are deleted; a runtime that cannot read a replica's files does not offer it and sets
 * neither variable, and replicas print their metrics instead. A runtime may offer them to some
 * launches only (Kubernetes: those that mount a job volume, decision 129); the others get neither
 * variable.
 *
 * <p>A launch may also mount the scratch volume {@link #COLLECTOR_VOLUME} ({@link
 * MountSource.Scratch}) at the folder of a Katib {@code File} or {@code TensorFlowEvent}
 * collector's path ({@code /var/log/katib}): its files are listed under {@link #COLLECTOR_DIR}, so
 * a trial that writes where Katib reads needs no change. A runtime that does not offer this
 * interface mounts that volume as any scratch volume.
 *
 * <p>Paths are relative to the replica's metrics root: {@link #METRICS_FILE}, {@code
 * tensorboard/...} and {@code collector/...}. Files are never followed through a symbolic link.
 * Safe to call from any thread.
 */
public interface MetricFiles {
  /** The variable that names the JSON-lines file, as the replica sees it. */
  String METRICS_FILE_ENV = "CAPSTAN_METRICS_FILE";

  /** The variable that names the TensorBoard log folder, as the replica sees it. */
  String TENSORBOARD_DIR_ENV = "CAPSTAN_TENSORBOARD_DIR";

  /** The JSON-lines file's path in {@link #list}. */
  String METRICS_FILE = "capstan-metrics.jsonl";

  /** The TensorBoard folder's path; its event files are listed below it. */
  String TENSORBOARD_DIR = "tensorboard";

  /** The name of the scratch volume whose files are a Katib collector's (see above). */
  String COLLECTOR_VOLUME = "katib-metrics";

  /** The path below which {@link #list} names the files of the {@link #COLLECTOR_VOLUME}. */
  String COLLECTOR_DIR = "collector";

  /**
   * The replica's metric files as they are now, in path order: the JSON-lines file if it exists and
   * the regular files below the TensorBoard folder whose name holds {@code .tfevents.}, at any
   * depth; and every regular file below {@link #COLLECTOR_DIR} (event files as {@link
   * MetricFile.Format#TF_EVENTS}, others as {@link MetricFile.Format#LINES}). Empty when there are
   * none, or when the runtime no longer has the replica's folder.
   */
  List<MetricFile> list(ReplicaId id);

  /**
   * Reads at most {@code maxBytes} bytes of a file {@link #list} reported, from {@code offset}:
   * fewer at its end, none from its end on.
   *
   * @throws NoSuchElementException when there is no such regular file (anymore)
   */
  byte[] read(ReplicaId id, String path, long offset, int maxBytes);

  /** How often a live replica's files are read: where a read is dear, less often. */
  default Duration readEvery() {
    return Duration.ofSeconds(1);
  }
}
