package io.capstan.jobspec;

import java.util.List;

/**
 * The command and args of a replica group's container.
 *
 * <p>Capstan runs the command on the host, where there is no image entrypoint to run args with, so
 * a container with args but no command runs its args as the command.
 */
record ReplicaCommand(List<String> command, List<String> args) {
  ReplicaCommand {
    command = List.copyOf(command);
    args = List.copyOf(args);
  }

  /** Reads {@code command} and {@code args} of {@code container}; one of them must be set. */
  static ReplicaCommand read(SpecMap container, String role) {
    return read(container, role, List.of());
  }

  /**
   * Reads {@code command} and {@code args} of {@code container}; with neither, {@code
   * defaultCommand} unless it is empty.
   */
  static ReplicaCommand read(SpecMap container, String role, List<String> defaultCommand) {
    List<String> command = container.optionalStringList("command");
    List<String> args = container.optionalStringList("args");
    if (!command.isEmpty()) {
      return new ReplicaCommand(command, args);
    }
    if (!args.isEmpty()) {
      return new ReplicaCommand(args, List.of());
    }
    if (!defaultCommand.isEmpty()) {
      return new ReplicaCommand(defaultCommand, List.of());
    }
    throw container
        .pathOf("command")
        .invalid(
            "Expected replica group '"
                + role
                + "' to have a command or args, but it has neither (Capstan runs the command on"
                + " the host, without the image's entrypoint)");
  }
}
