package io.capstan.runtime;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.Resources;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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
 * @param workDir the replica's own working directory
 * @param logFile the durable file the replica's stdout and stderr are appended to
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
    Path logFile) {
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
  }
}
