package io.capstan.server.admission;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.Resources;
import java.util.List;

/**
 * A job asking to start: every replica with its resources.
 *
 * @param uid the job
 * @param project its project
 * @param name its name, for messages
 * @param replicas replica name and resources, in rank order
 */
public record GangRequest(String uid, String project, String name, List<ReplicaRequest> replicas) {
  public GangRequest {
    requireNonNull(uid, "uid is null");
    replicas = List.copyOf(replicas);
  }

  public Resources total() {
    Resources total = Resources.NONE;
    for (ReplicaRequest replica : replicas) {
      total = total.add(replica.resources());
    }
    return total;
  }

  /** One replica's request. */
  public record ReplicaRequest(String replica, Resources resources) {}
}
