package io.capstan.runtime;

import java.util.Objects;
import java.util.Optional;

/**
 * A replica's output (stdout and stderr together), read through the runtime, never from a file the
 * control plane opens itself.
 *
 * <p>The log is the current attempt's: it starts with a marker line naming the replica, the attempt
 * and when it started ({@code --- capstan: worker-0 attempt 2 started at ... ---}), and an offset
 * counts bytes from that start. A new attempt replaces the replica and starts a new log, as a new
 * pod does on Kubernetes. The local runtime keeps the log in the replica's state directory; a
 * Kubernetes runtime reads the pod's log ({@code GET /api/v1/namespaces/NS/pods/POD/log}, {@code
 * limitBytes}), skips {@code offset} bytes of it and puts the marker before it. Once a replica is
 * released or replaced by a new attempt, its runtime no longer has its log: the control plane
 * copies what it keeps before it releases a job or relaunches a replica (its log archive).
 *
 * <p>Safe to call from any thread, also while the controller thread calls the runtime.
 */
public interface LogSource {
  /**
   * Reads at most {@code maxBytes} bytes of attempt {@code attempt} of a replica's log from {@code
   * offset}.
   *
   * @return the chunk, or empty when the runtime does not have that attempt of the replica (never
   *     launched, replaced by a later attempt, or released)
   */
  Optional<LogChunk> read(ReplicaId id, int attempt, long offset, int maxBytes);

  /** Checks the arguments of {@link #read}, as every implementation does. */
  static void checkRead(ReplicaId id, int attempt, long offset, int maxBytes) {
    Objects.requireNonNull(id, "id is null");
    if (attempt < 1 || offset < 0 || maxBytes < 1) {
      throw new IllegalArgumentException(
          "Expected a positive attempt, a non-negative offset and a positive maxBytes, but were "
              + attempt
              + ", "
              + offset
              + " and "
              + maxBytes);
    }
  }
}
