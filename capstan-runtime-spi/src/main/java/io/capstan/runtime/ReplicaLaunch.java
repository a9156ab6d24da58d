package io.capstan.runtime;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.Resources;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything a runtime needs to start one replica (one pod).
 *
 * @param id the replica
 * @param attempt the job's attempt number, starting at 1; a relaunch after a restart has a new one
 * @param image container image; the local runtime maps it to a local environment
 * @param command entry point followed by its arguments
 * @param env environment, including the rendezvous variables
 * @param resources requested and limited resources
 * @param gpuIndices device indices assigned by placement (locally: {@code CUDA_VISIBLE_DEVICES}); a
 *     Kubernetes runtime requests {@code resources.gpus()} devices instead
 * @param workDir the replica's own working directory on the host; a sandboxed replica sees it at
 *     {@link #WORK_DIR} and starts there
 * @param logFile the durable file the replica's stdout and stderr are appended to
 * @param tenant the project the replica belongs to: replicas of different tenants never share a
 *     user id, files or processes (locally: a uid per project in a sandbox per replica)
 * @param mounts host files and directories the replica sees at container paths (checkpoints,
 *     outputs, an MPI hostfile, a model file); the command and environment name container paths
 * @param privateNetwork the replica needs no peers and listens for nobody: it gets a network of its
 *     own (only loopback) where the runtime can give it one
 */
public record ReplicaLaunch(
    ReplicaId id,
    int attempt,
    String image,
    List<String> command,
    Map<String, String> env,
    Resources resources,
    List<Integer> gpuIndices,
    Path workDir,
    Path logFile,
    String tenant,
    List<Mount> mounts,
    boolean privateNetwork) {
  /** Where a sandboxed replica sees its working directory. */
  public static final String WORK_DIR = "/capstan/work";

  public ReplicaLaunch {
    requireNonNull(id, "id is null");
    command = List.copyOf(requireNonNull(command, "command is null"));
    if (command.isEmpty()) {
      throw new IllegalArgumentException("Expected a command for replica " + id.key());
    }
    env = Map.copyOf(requireNonNull(env, "env is null"));
    requireNonNull(resources, "resources is null");
    gpuIndices = gpuIndices == null ? List.of() : List.copyOf(gpuIndices);
    requireNonNull(workDir, "workDir is null");
    requireNonNull(logFile, "logFile is null");
    requireNonNull(tenant, "tenant is null");
    mounts = List.copyOf(requireNonNull(mounts, "mounts is null"));
    Set<String> paths = new HashSet<>();
    for (Mount mount : mounts) {
      if (!paths.add(mount.containerPath())) {
        throw new IllegalArgumentException(
            "Expected one mount per container path in replica "
                + id.key()
                + ", but '"
                + mount.containerPath()
                + "' is mounted twice");
      }
    }
  }

  /** This launch with another command, environment, resources and GPUs (the rest unchanged). */
  public ReplicaLaunch with(
      List<String> newCommand,
      Map<String, String> newEnv,
      Resources newResources,
      List<Integer> newGpus) {
    return new ReplicaLaunch(
        id,
        attempt,
        image,
        newCommand,
        newEnv,
        newResources,
        newGpus,
        workDir,
        logFile,
        tenant,
        mounts,
        privateNetwork);
  }
}
