package io.capstan.jobspec;

import java.util.List;

/**
 * The command and args of a replica group's container, kept apart as a pod keeps them: a container
 * with args but no command runs its image's entrypoint with those args, and one with neither runs
 * the entrypoint with the image's default args (whether the image has an entrypoint is the
 * runtime's to say at submission).
 *
 * @param field the path of the container's {@code command}, to name in a refusal
 */
record ReplicaCommand(List<String> command, List<String> args, String field) {
  ReplicaCommand {
    command = List.copyOf(command);
    args = List.copyOf(args);
  }

  /** Reads {@code command} and {@code args} of {@code container}. */
  static ReplicaCommand read(SpecMap container) {
    return read(container, List.of());
  }

  /**
   * Reads {@code command} and {@code args} of {@code container}; with neither, {@code
   * defaultCommand} (a replica type's own, such as the MPI Operator's worker running sshd) when it
   * is not empty.
   */
  static ReplicaCommand read(SpecMap container, List<String> defaultCommand) {
    List<String> command = container.optionalStringList("command");
    List<String> args = container.optionalStringList("args");
    String field = container.pathOf("command").text();
    if (command.isEmpty() && args.isEmpty() && !defaultCommand.isEmpty()) {
      return new ReplicaCommand(defaultCommand, List.of(), field);
    }
    return new ReplicaCommand(command, args, field);
  }
}
