package io.capstan.server.logs;

import io.capstan.runtime.ReplicaId;

/** Told of each chunk of a replica's output as the {@link LogArchive} archives it, in order. */
@FunctionalInterface
public interface ArchivedBytes {
  /** Nobody listens. */
  ArchivedBytes NONE = (id, attempt, bytes) -> {};

  /**
   * Bytes of attempt {@code attempt} of replica {@code id}, just archived after the ones before;
   * each byte is told once. Called on the archiving thread, under the replica's lock: be quick.
   */
  void archived(ReplicaId id, int attempt, byte[] bytes);
}
