package io.capstan.server.job;

import io.capstan.api.error.CapstanException;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.runtime.ImageMap;
import io.capstan.runtime.WorkloadRuntime;
import java.util.Optional;

/**
 * The submission check of containers without a command (decision 83): they run their image's
 * entrypoint, so on a runtime whose images are stand-ins ({@link WorkloadRuntime#images()}) the
 * image map must give the image one; a runtime of real images has nothing to check.
 */
final class Entrypoints {
  private Entrypoints() {}

  /**
   * @param images the runtime's image map ({@link WorkloadRuntime#images()})
   * @throws CapstanException {@code INVALID_SPEC} naming the container's {@code command} when a
   *     group without one has an image the map gives no entrypoint
   */
  static void check(JobSpec spec, Optional<ImageMap> images) {
    if (images.isEmpty()) {
      return;
    }
    for (ReplicaGroupSpec group : spec.replicaGroups()) {
      if (group.runsEntrypoint()
          && images.get().commandWithoutCommand(group.image(), group.args()).isEmpty()) {
        throw CapstanException.invalidSpec(
            group.commandField() != null
                ? group.commandField()
                : "spec.replicas[" + group.role().wireName() + "].command",
            "Expected a command for the "
                + group.role().wireName()
                + " replicas, or an entrypoint for image '"
                + group.image()
                + "' in the image map (capstan env set PATTERN --entrypoint ...), but the"
                + " container has "
                + (group.args().isEmpty() ? "neither command nor args" : "args but no command")
                + " and the image map gives '"
                + group.image()
                + "' no entrypoint");
      }
    }
  }
}
