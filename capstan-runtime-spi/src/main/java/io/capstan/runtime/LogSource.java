package io.capstan.runtime;

import java.util.Objects;
import java.util.Optional;

/**
 * A replica's output (stdout and stderr together), read through the runtime, never from a file the
 * control plane opens itself.
 *
 * <p>An offset counts bytes of the replica's log as the runtime keeps it. The local runtime reads
 * the log file the launch named ({@link ReplicaLaunch#logFile()}), which holds the earlier attempts
 * of the same replica too, each started by a marker line. A Kubernetes runtime reads the pod's log
 * ({@code GET /api/v1/namespaces/NS/pods/POD/log}, the one container, {@code limitBytes}) and skips
 * {@code offset} bytes of it; its log starts with the pod of the current attempt, and the kubelet
 * may rotate it. Once a replica is released, its runtime no longer has its log: a control plane
 * that keeps logs longer copies them before it releases the job.
 *
 * <p>Safe to call from any thread, also while the controller thread calls the runtime.
 */
public interface LogSource {
  /**
   * Reads at most {@code maxBytes} bytes of a replica's log from {@code offset}.
   *
   * @return the chunk, or empty when the runtime does not know the replica (never launched, or
   *     released)
   */
  Optional<LogChunk> read(ReplicaId id, long offset, int maxBytes);

  /** Checks the arguments of {@link #read}, as every implementation does. */
  static void checkRead(ReplicaId id, long offset, int maxBytes) {
    Objects.requireNonNull(id, "id is null");
    if (offset < 0 || maxBytes < 1) {
      throw new IllegalArgumentException(
          "Expected a non-negative offset and a positive maxBytes, but were "
              + offset
              + " and "
              + maxBytes);
    }
  }
}
