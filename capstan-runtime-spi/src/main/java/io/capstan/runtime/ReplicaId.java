package io.capstan.runtime;

import static java.util.Objects.requireNonNull;

/**
 * Identity of one replica: a pod on Kubernetes, a process group locally.
 *
 * @param jobUid the owning job's uid
 * @param replica the replica name, e.g. {@code worker-1}
 */
public record ReplicaId(String jobUid, String replica) {
  public ReplicaId {
    requireNonNull(jobUid, "jobUid is null");
    requireNonNull(replica, "replica is null");
    if (!jobUid.matches("[a-z0-9][a-z0-9-]*") || !replica.matches("[a-z0-9][a-z0-9-]*")) {
      throw new IllegalArgumentException(
          "Expected jobUid and replica to be DNS labels, but were '"
              + jobUid
              + "', '"
              + replica
              + "'");
    }
  }

  /** A file- and DNS-safe key: {@code <jobUid>.<replica>}. */
  public String key() {
    return jobUid + "." + replica;
  }
}
