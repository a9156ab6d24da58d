package io.capstan.api.job;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One group of identical replicas of a job: a Kubeflow replica spec.
 *
 * @param role the group's role
 * @param count number of replicas, at least 1
 * @param image container image; locally mapped to an environment
 * @param command the container's {@code command}: replaces the image's entrypoint; empty to run the
 *     image's entrypoint (with {@code args}, or with the image's default args when there are none),
 *     as Kubernetes does
 * @param args the container's {@code args}: appended to {@code command}, or to the image's
 *     entrypoint when there is no command
 * @param env environment variables of every replica
 * @param resources per-replica resources
 * @param restartPolicy what a failure of one of these replicas does to the job
 * @param pod the rest of the pod template that Capstan acts on: working directory, volumes,
 *     environment from elsewhere, labels and annotations
 * @param commandField where the container's {@code command} is (or would be) in the submitted
 *     document, such as {@code
 *     spec.pytorchReplicaSpecs.Worker.template.spec.containers[0].command}, so a refusal of a
 *     container without a command names it; null when not known. Not on the wire nor stored: it
 *     serves the submission's checks only
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
    PodDetails pod,
    @JsonIgnore String commandField) {
  public ReplicaGroupSpec {
    requireNonNull(role, "role is null");
    command = List.copyOf(requireNonNull(command, "command is null"));
    args = args == null ? List.of() : List.copyOf(args);
    env = env == null ? Map.of() : Map.copyOf(env);
    resources = resources == null ? Resources.NONE : resources;
    restartPolicy = restartPolicy == null ? RestartPolicy.NEVER : restartPolicy;
    pod = pod == null ? PodDetails.NONE : pod;
  }

  /** A group whose command's place in a document is not known. */
  public ReplicaGroupSpec(
      ReplicaRole role,
      int count,
      String image,
      List<String> command,
      List<String> args,
      Map<String, String> env,
      Resources resources,
      RestartPolicy restartPolicy,
      PodDetails pod) {
    this(role, count, image, command, args, env, resources, restartPolicy, pod, null);
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
        role, count, image, command, args, env, resources, restartPolicy, newPod, commandField);
  }

  /**
   * Equal when everything that runs is equal: where the command was written ({@link #commandField})
   * is for messages only, so a group read from a document equals one built in code.
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof ReplicaGroupSpec that
        && role == that.role
        && count == that.count
        && Objects.equals(image, that.image)
        && command.equals(that.command)
        && args.equals(that.args)
        && env.equals(that.env)
        && resources.equals(that.resources)
        && restartPolicy == that.restartPolicy
        && pod.equals(that.pod);
  }

  @Override
  public int hashCode() {
    return Objects.hash(role, count, image, command, args, env, resources, restartPolicy, pod);
  }

  /** Whether the group runs its image's entrypoint (it has no command of its own). */
  public boolean runsEntrypoint() {
    return command.isEmpty();
  }

  /** Replica names of this group: {@code worker-0}, {@code worker-1}, ... */
  public String replicaName(int index) {
    return role.wireName() + "-" + index;
  }
}
