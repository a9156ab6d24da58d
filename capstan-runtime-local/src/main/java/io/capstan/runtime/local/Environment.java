package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A local stand-in for a container image: host folders bound at container paths (its code), the
 * Python interpreter to run, environment variables to add, and what the image runs without a
 * command (its entrypoint and default args) and where (its working directory).
 *
 * @param mounts container path (e.g. {@code /examples}) to the host path that provides it
 * @param pythonInterpreter the interpreter that replaces a leading {@code python}/{@code python3}
 *     and runs a leading {@code torchrun}, or null for the runtime's default interpreter
 * @param env variables added to every replica's environment (the launch's own variables win)
 * @param workingDir the container path a replica starts in when its launch names none, or null for
 *     the replica's own folder
 * @param entrypoint what a launch without a command runs (followed by its args), or null when the
 *     image has no known entrypoint (such a launch is refused); empty: the args are the command
 * @param args what follows the entrypoint when a launch has neither command nor args
 */
public record Environment(
    Map<String, Path> mounts,
    String pythonInterpreter,
    Map<String, String> env,
    String workingDir,
    List<String> entrypoint,
    List<String> args) {
  /** The host itself: no mounts, the default interpreter, no extra variables, no entrypoint. */
  public static final Environment HOST = new Environment(Map.of(), null, Map.of());

  public Environment {
    mounts = Map.copyOf(requireNonNull(mounts, "mounts is null"));
    env = Map.copyOf(requireNonNull(env, "env is null"));
    entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
    args = args == null ? List.of() : List.copyOf(args);
    mounts.forEach(
        (containerPath, hostPath) -> {
          if (!containerPath.startsWith("/") || containerPath.length() < 2) {
            throw new IllegalArgumentException(
                "Expected a mount's container path to be absolute and not '/', but was '"
                    + containerPath
                    + "'");
          }
          if (!hostPath.isAbsolute()) {
            throw new IllegalArgumentException(
                "Expected the host path of mount '"
                    + containerPath
                    + "' to be absolute, but was '"
                    + hostPath
                    + "'");
          }
        });
    if (pythonInterpreter != null && pythonInterpreter.isBlank()) {
      throw new IllegalArgumentException(
          "Expected a python interpreter path or null, but was a blank string");
    }
    if (workingDir != null && !workingDir.startsWith("/")) {
      throw new IllegalArgumentException(
          "Expected the working directory to be an absolute container path, but was '"
              + workingDir
              + "'");
    }
  }

  /** An environment without a working directory, entrypoint or default args. */
  public Environment(Map<String, Path> mounts, String pythonInterpreter, Map<String, String> env) {
    this(mounts, pythonInterpreter, env, null, null, List.of());
  }

  /**
   * What a launch with {@code command} and {@code args} runs in this image, as a pod does: the
   * command and args; without a command, the entrypoint and the args; with neither, the entrypoint
   * and the default args. Empty when that needs an entrypoint the image does not have, or when
   * nothing would be left to run.
   */
  public Optional<List<String>> commandLine(List<String> command, List<String> args) {
    List<String> line = new ArrayList<>();
    if (!command.isEmpty()) {
      line.addAll(command);
      line.addAll(args);
    } else if (entrypoint != null) {
      line.addAll(entrypoint);
      line.addAll(args.isEmpty() ? this.args : args);
    }
    return line.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(line));
  }
}
