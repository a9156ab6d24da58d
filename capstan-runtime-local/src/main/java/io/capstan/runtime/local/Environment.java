package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Map;

/**
 * A local stand-in for a container image: host paths mounted at container paths, the Python
 * interpreter to run, and environment variables to add.
 *
 * @param mounts container path (e.g. {@code /examples}) to the host path that provides it
 * @param pythonInterpreter the interpreter that replaces a leading {@code python}/{@code python3}
 *     and runs a leading {@code torchrun}, or null for the runtime's default interpreter
 * @param env variables added to every replica's environment (the launch's own variables win)
 */
public record Environment(
    Map<String, Path> mounts, String pythonInterpreter, Map<String, String> env) {
  /** The host itself: no mounts, the default interpreter, no extra variables. */
  public static final Environment HOST = new Environment(Map.of(), null, Map.of());

  public Environment {
    mounts = Map.copyOf(requireNonNull(mounts, "mounts is null"));
    env = Map.copyOf(requireNonNull(env, "env is null"));
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
  }
}
