package io.capstan.api.job;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * One group of identical replicas of a job: a Kubeflow replica spec.
 *
 * @param role the group's role
 * @param count number of replicas, at least 1
 * @param image container image; locally mapped to an environment
 * @param command the entry point (the container's {@code command})
 * @param args arguments appended to {@code command}
 * @param env environment variables of every replica
 * @param resources per-replica resources
 * @param restartPolicy what a failure of one of these replicas does to the job
 */
public record ReplicaGroupSpec(
    ReplicaRole role,
    int count,
    String image,
    List<String> command,
    List<String> args,
    Map<String, String> env,
    Resources resources,
    RestartPolicy restartPolicy) {
  public ReplicaGroupSpec {
    requireNonNull(role, "role is null");
    command = List.copyOf(requireNonNull(command, "command is null"));
    args = args == null ? List.of() : List.copyOf(args);
    env = env == null ? Map.of() : Map.copyOf(env);
    resources = resources == null ? Resources.NONE : resources;
    restartPolicy = restartPolicy == null ? RestartPolicy.NEVER : restartPolicy;
  }

  /** Replica names of this group: {@code worker-0}, {@code worker-1}, ... */
  public String replicaName(int index) {
    return role.wireName() + "-" + index;
  }
}
