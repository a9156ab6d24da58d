package io.capstan.runtime.kubernetes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the {@link TestingKubelet} runs: a container command that is an in-memory program of {@code
 * capstan-runtime-testing} ({@code [in-memory, print, hello, exit, 3]}), already expanded. Any
 * other command runs until the test ends it. Files are read from the launch's ConfigMap and from
 * claims, and written to claims mounted writable (the kubelet keeps a claim as a local folder); a
 * file elsewhere cannot be written: such a program prints why and exits 1.
 */
record Program(List<String> output, OptionalInt exitCode, List<String> served) {
  /** The files a container sees, by container path. */
  interface Files {
    Optional<String> read(String path);

    /** Writes the file, or returns false when no writable claim is mounted there. */
    boolean write(String path, String content);
  }

  static Program run(List<String> command, Map<String, String> env, Files files) {
    List<String> output = new ArrayList<>();
    List<String> served = new ArrayList<>();
    if (command.isEmpty() || !command.get(0).equals("in-memory")) {
      return new Program(output, OptionalInt.empty(), served);
    }
    OptionalInt exit = OptionalInt.empty();
    for (int i = 1; i < command.size(); i++) {
      switch (command.get(i)) {
        case "print" -> output.add(command.get(++i));
        case "print-env" -> output.add(env.getOrDefault(command.get(++i), ""));
        case "print-file" -> {
          Optional<String> content = files.read(command.get(++i));
          if (content.isEmpty()) {
            output.add("no file " + command.get(i));
            return new Program(output, OptionalInt.of(1), served);
          }
          output.add(content.get().replaceFirst("\n$", ""));
        }
        case "write-file" -> {
          if (!files.write(command.get(i + 1), command.get(i + 2))) {
            output.add("read-only file system: " + command.get(i + 1));
            return new Program(output, OptionalInt.of(1), served);
          }
          i += 2;
        }
        case "serve-http" -> {
          served.add(command.get(i + 1) + " " + command.get(i + 2) + " " + command.get(i + 3));
          i += 3;
        }
        case "exit" -> exit = OptionalInt.of(Integer.parseInt(command.get(++i)));
        case "run" -> exit = OptionalInt.empty();
        default -> throw new IllegalArgumentException("Unknown step " + command.get(i));
      }
    }
    return new Program(output, exit, served);
  }

  /** Whether a probe of {@code path} on {@code port} with that Authorization header passes. */
  boolean serves(String port, String path, String authorization) {
    return served.stream()
        .anyMatch(
            s ->
                s.equals(port + " " + path + " " + authorization)
                    || s.equals(port + " " + path + " "));
  }
}
