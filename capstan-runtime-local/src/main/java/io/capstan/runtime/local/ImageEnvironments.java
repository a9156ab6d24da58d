package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.runtime.Mount;
import io.capstan.runtime.ReplicaLaunch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps a container image to a local {@link Environment} and rewrites a replica's command and
 * environment as if it ran in that image: {@code python} becomes the environment's interpreter,
 * {@code torchrun} that interpreter's {@code -m torch.distributed.run} (see {@link Torchrun}), the
 * python programs of {@code mpirun} that interpreter too (see {@link Mpirun}), and paths under a
 * mount's container path become host paths.
 */
final class ImageEnvironments {
  private static final Logger log = LoggerFactory.getLogger(ImageEnvironments.class);
  private static final String TORCH_PYTHON = "/usr/bin/python3";

  /** What {@code auto} resolved to in this process, or null before the first launch needs it. */
  private static final java.util.concurrent.atomic.AtomicReference<String> AUTO_INTERPRETER =
      new java.util.concurrent.atomic.AtomicReference<>();

  /** Where a sandboxed replica finds {@code python} and {@code python3} of its environment. */
  static final String PYTHON_BIN = "/capstan/python-bin";

  private final Supplier<Map<String, Environment>> environments;
  private final Supplier<String> defaultInterpreter;
  private final Mpirun mpirun;
  private final Path pythonBins;

  /** Environments without interpreter folders: {@code python} is rewritten only as a command. */
  ImageEnvironments(
      Map<String, Environment> environments, Supplier<String> defaultInterpreter, Mpirun mpirun) {
    this(environments, defaultInterpreter, mpirun, null);
  }

  /**
   * @param pythonBins where the runtime keeps, per interpreter, a folder whose {@code python} and
   *     {@code python3} are links to it and whose {@code torchrun} is {@link Torchrun#shim}; the
   *     folder comes first on every replica's {@code PATH}, so a {@code python} or {@code torchrun}
   *     that a shell command or a script runs is the environment's too (null: none)
   */
  ImageEnvironments(
      Map<String, Environment> environments,
      Supplier<String> defaultInterpreter,
      Mpirun mpirun,
      Path pythonBins) {
    this(fixed(environments), defaultInterpreter, mpirun, pythonBins);
  }

  /**
   * @param environments the image map as it is now, asked at every launch (the operator's file may
   *     change; see {@link LocalImageMap})
   */
  ImageEnvironments(
      Supplier<Map<String, Environment>> environments,
      Supplier<String> defaultInterpreter,
      Mpirun mpirun,
      Path pythonBins) {
    this.environments = requireNonNull(environments, "environments is null");
    this.defaultInterpreter = requireNonNull(defaultInterpreter, "defaultInterpreter is null");
    this.mpirun = requireNonNull(mpirun, "mpirun is null");
    this.pythonBins = pythonBins;
  }

  private static Supplier<Map<String, Environment>> fixed(Map<String, Environment> environments) {
    Map<String, Environment> copy =
        Map.copyOf(requireNonNull(environments, "environments is null"));
    return () -> copy;
  }

  /**
   * The command and environment of a replica of {@code image}, rewritten for the host, the image's
   * folders to bind at their container paths (in a sandbox; none otherwise), and where it starts.
   *
   * @param pathPrefix a folder to put first on the replica's {@code PATH} (its environment's {@code
   *     python}), or null
   * @param workingDir where the command starts (see {@link WorkingDirectory}), or null for the
   *     replica's own folder
   * @param resolved the command as the launch and the image resolve it (command and args, else the
   *     entrypoint and args), before it is rewritten for the host
   */
  record Rewritten(
      List<String> command,
      Map<String, String> env,
      List<Mount> mounts,
      String pathPrefix,
      WorkingDirectory workingDir,
      List<String> resolved) {}

  /**
   * {@link #rewrite(Replica, List, boolean)} of an unsandboxed replica with a command, no mounts.
   */
  Rewritten rewrite(String image, List<String> command, Map<String, String> env) {
    return rewrite(new Replica(image, command, List.of(), null, env, null, null), List.of(), false);
  }

  /**
   * What a replica asks for, as its launch says it.
   *
   * @param command the container's command; empty for the image's entrypoint
   * @param args the container's args
   * @param workingDir the container path to start in, or null for the image's
   * @param workDir the replica's own folder on the host (seen at {@code /capstan/work}), or null
   * @param scratch an empty folder of the replica's own, for a working directory that is nowhere
   */
  record Replica(
      String image,
      List<String> command,
      List<String> args,
      String workingDir,
      Map<String, String> env,
      Path workDir,
      Path scratch) {}

  /**
   * Rewrites a replica's command and environment: without a command, the image's entrypoint runs
   * its args (or the image's default args). In a {@code sandboxed} replica, container paths stay as
   * they are and the image's folders are bound there; otherwise container paths of the image and of
   * {@code launchMounts} are rewritten to their host paths.
   *
   * @throws CapstanException {@code INVALID_SPEC} when the image has no entrypoint to run a launch
   *     without a command, or its working directory cannot be there
   */
  Rewritten rewrite(Replica replica, List<Mount> launchMounts, boolean sandboxed) {
    String image = replica.image();
    Environment environment = environmentOf(image);
    List<String> command =
        environment
            .commandLine(replica.command(), replica.args())
            .orElseThrow(
                () ->
                    CapstanException.invalidSpec(
                        "command",
                        "Expected a command for a container of image '"
                            + image
                            + "', whose entry in the image map has no entrypoint to run "
                            + (replica.args().isEmpty() ? "without one" : "its args with")
                            + ", but it has none"));
    Map<String, String> env = replica.env();
    Map<String, Path> mapped = new LinkedHashMap<>();
    List<Mount> binds = new ArrayList<>();
    if (sandboxed) {
      environment.mounts().forEach((path, host) -> binds.add(Mount.readOnly(host, path)));
    } else {
      mapped.putAll(environment.mounts());
      launchMounts.forEach(mount -> mapped.put(mount.containerPath(), mount.hostPath()));
    }
    WorkingDirectory workingDir = workingDirectory(replica, environment, launchMounts, sandboxed);
    if (workingDir != null && workingDir.bind() != null) {
      binds.add(workingDir.bind());
    }
    List<String> newCommand = new ArrayList<>(command.size());
    for (String token : command) {
      newCommand.add(mapPaths(mapped, token));
    }
    if (isPython(command.get(0))) {
      newCommand.set(0, interpreter(environment));
    }
    Map<String, String> newEnv = new LinkedHashMap<>(environment.env());
    newEnv.putAll(env);
    newEnv.replaceAll((name, value) -> mapPaths(mapped, value));
    if (Torchrun.launches(command)) {
      Torchrun.addDefaults(newEnv);
      newCommand = Torchrun.forHost(newCommand, interpreter(environment));
    }
    if (Mpirun.launches(command)) {
      newCommand = Mpirun.withInterpreter(newCommand, interpreter(environment));
      mpirun.addDefaults(newEnv);
    }
    String pathPrefix = null;
    Path bin = pythonBin(interpreter(environment));
    if (bin != null) {
      if (sandboxed) {
        binds.add(Mount.readOnly(bin, PYTHON_BIN));
        pathPrefix = PYTHON_BIN;
      } else {
        pathPrefix = bin.toString();
      }
    }
    return new Rewritten(List.copyOf(newCommand), newEnv, binds, pathPrefix, workingDir, command);
  }

  /** Where the replica starts, or null for its own folder (it names no working directory). */
  private static WorkingDirectory workingDirectory(
      Replica replica, Environment environment, List<Mount> launchMounts, boolean sandboxed) {
    String path = replica.workingDir() != null ? replica.workingDir() : environment.workingDir();
    if (path == null) {
      return null;
    }
    List<Mount> seen = new ArrayList<>(launchMounts);
    environment.mounts().forEach((container, host) -> seen.add(Mount.readOnly(host, container)));
    if (replica.workDir() != null) {
      seen.add(Mount.writable(replica.workDir(), ReplicaLaunch.WORK_DIR));
    }
    return WorkingDirectory.resolve(path, seen, sandboxed, replica.scratch(), replica.image());
  }

  /**
   * The folder whose {@code python} and {@code python3} link to {@code interpreter}, made on first
   * use; null without {@link #pythonBins} or for an interpreter found on {@code PATH} itself.
   */
  private Path pythonBin(String interpreter) {
    if (pythonBins == null || !interpreter.startsWith("/")) {
      return null;
    }
    Path dir =
        pythonBins.resolve(
            HexFormat.of().toHexDigits(interpreter.hashCode())
                + "-"
                + Path.of(interpreter).getFileName());
    try {
      Files.createDirectories(dir);
      for (String name : List.of("python", "python3")) {
        Path link = dir.resolve(name);
        if (!Files.isSymbolicLink(link)) {
          Path temp = dir.resolve(name + ".tmp");
          Files.deleteIfExists(temp);
          Files.createSymbolicLink(temp, Path.of(interpreter));
          Files.move(
              temp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      writeIfChanged(dir.resolve(Torchrun.COMMAND), Torchrun.shim(interpreter));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot make the python folder " + dir, e);
    }
  }

  /** Writes an executable file readable by all, atomically, unless it holds {@code text}. */
  private static void writeIfChanged(Path file, String text) throws IOException {
    if (Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)
        && Files.readString(file).equals(text)) {
      return;
    }
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(temp);
    Files.writeString(temp, text);
    Files.setPosixFilePermissions(
        temp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Whether a command's first word names the interpreter that an environment replaces. */
  static boolean isPython(String word) {
    return word.equals("python") || word.equals("python3");
  }

  private String interpreter(Environment environment) {
    return environment.pythonInterpreter() != null
        ? environment.pythonInterpreter()
        : defaultInterpreter.get();
  }

  /** The environment of the exact image, else of the most specific matching pattern. */
  Environment environmentOf(String image) {
    return environmentOf(environments.get(), image);
  }

  /** The environment of the exact image in {@code environments}, else of the best pattern. */
  static Environment environmentOf(Map<String, Environment> environments, String image) {
    String name = image == null ? "" : image;
    Environment exact = environments.get(name);
    if (exact != null) {
      return exact;
    }
    return environments.entrySet().stream()
        .filter(
            entry -> entry.getKey().contains("*") && glob(entry.getKey()).matcher(name).matches())
        .max(Comparator.comparingInt(entry -> entry.getKey().replace("*", "").length()))
        .map(Map.Entry::getValue)
        .orElseThrow(
            () ->
                CapstanException.invalidSpec(
                    "image",
                    "Expected image '"
                        + name
                        + "' to match a local environment "
                        + environments.keySet().stream().sorted().toList()
                        + ", but it matches none"));
  }

  private static Pattern glob(String pattern) {
    return Pattern.compile(
        Arrays.stream(pattern.split("\\*", -1))
            .map(Pattern::quote)
            .collect(Collectors.joining(".*")));
  }

  /** Rewrites a container path, or an {@code --option=containerPath}, to its host path. */
  static String mapPaths(Environment environment, String token) {
    return mapPaths(environment.mounts(), token);
  }

  /** Rewrites a container path of {@code mounts}, or an {@code --option=containerPath}. */
  static String mapPaths(Map<String, Path> mounts, String token) {
    String mapped = mapPrefix(mounts, token);
    if (mapped != null) {
      return mapped;
    }
    int equals = token.indexOf('=');
    if (equals > 0) {
      String value = mapPrefix(mounts, token.substring(equals + 1));
      if (value != null) {
        return token.substring(0, equals + 1) + value;
      }
    }
    return token;
  }

  private static String mapPrefix(Map<String, Path> mounts, String value) {
    String best = null;
    for (String containerPath : mounts.keySet()) {
      boolean matches =
          value.equals(containerPath)
              || (value.startsWith(containerPath) && value.charAt(containerPath.length()) == '/');
      if (matches && (best == null || containerPath.length() > best.length())) {
        best = containerPath;
      }
    }
    return best == null ? null : mounts.get(best).toString() + value.substring(best.length());
  }

  /**
   * Resolves {@code auto}: {@code /usr/bin/python3} when it exists and imports torch, else {@code
   * python3}; anything else is returned unchanged.
   */
  static String resolveInterpreter(String configured) {
    if (!configured.equals(LocalRuntimeConfig.AUTO)) {
      return configured;
    }
    // Once per process: importing torch takes seconds, and the host does not change meanwhile.
    return AUTO_INTERPRETER.updateAndGet(
        known -> {
          if (known != null) {
            return known;
          }
          if (Files.isExecutable(Path.of(TORCH_PYTHON)) && importsTorch(TORCH_PYTHON)) {
            return TORCH_PYTHON;
          }
          log.info("{} does not import torch; replicas run python3 from PATH", TORCH_PYTHON);
          return "python3";
        });
  }

  private static boolean importsTorch(String interpreter) {
    try {
      Process process =
          new ProcessBuilder(interpreter, "-c", "import torch")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (IOException e) {
      log.info("Cannot run {}: {}", interpreter, e.toString());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while probing " + interpreter, e);
    }
  }
}
