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
 * @param pod the rest of the pod template that Capstan acts on: working directory, volumes,
 *     environment from elsewhere, labels and annotations
 */
public record ReplicaGroupSpec(
    ReplicaRole role,
    int count,
    String image,
    List<String> command,
    List<String> args,
    Map<String, String> env,
    Resources resources,
    RestartPolicy restartPolicy,
    PodDetails pod) {
  public ReplicaGroupSpec {
    requireNonNull(role, "role is null");
    command = List.copyOf(requireNonNull(command, "command is null"));
    args = args == null ? List.of() : List.copyOf(args);
    env = env == null ? Map.of() : Map.copyOf(env);
    resources = resources == null ? Resources.NONE : resources;
    restartPolicy = restartPolicy == null ? RestartPolicy.NEVER : restartPolicy;
    pod = pod == null ? PodDetails.NONE : pod;
  }

  /** A group whose pod template has nothing beyond image, command, env and resources. */
  public ReplicaGroupSpec(
      ReplicaRole role,
      int count,
      String image,
      List<String> command,
      List<String> args,
      Map<String, String> env,
      Resources resources,
      RestartPolicy restartPolicy) {
    this(role, count, image, command, args, env, resources, restartPolicy, PodDetails.NONE);
  }

  /** This group with another pod template's details. */
  public ReplicaGroupSpec withPod(PodDetails newPod) {
    return new ReplicaGroupSpec(
        role, count, image, command, args, env, resources, restartPolicy, newPod);
  }

  /** Replica names of this group: {@code worker-0}, {@code worker-1}, ... */
  public String replicaName(int index) {
    return role.wireName() + "-" + index;
  }
}
