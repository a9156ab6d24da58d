package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Configuration of the {@link LocalRuntime}.
 *
 * @param stateDir where replica state (pid, exit code, launch record) lives; survives restarts
 * @param nodeName the one node's name
 * @param gpus {@code auto} (ask {@code nvidia-smi}), {@code none}, or device indices like {@code
 *     0,1,2}
 * @param cpuMillis CPU capacity of the node in millicores
 * @param memoryBytes memory capacity of the node in bytes
 * @param cgroups whether CPU and memory limits are enforced with cgroups where the host allows
 * @param cgroupRoot where the cgroup file systems are mounted, normally {@code /sys/fs/cgroup}
 * @param pythonInterpreter {@code auto} ({@code /usr/bin/python3} when it imports torch, else
 *     {@code python3}) or a path or command name
 * @param environments image pattern ({@code *} matches any characters) to environment; the most
 *     specific match wins and an image that matches none is rejected
 * @param sandbox how replicas are isolated (bubblewrap by default)
 * @param imagesFile the operator's image map file, whose entries win over {@code environments} of
 *     the same pattern and which is read again when it changes (see {@link LocalImageMap}), or null
 *     for none
 */
public record LocalRuntimeConfig(
    Path stateDir,
    String nodeName,
    String gpus,
    long cpuMillis,
    long memoryBytes,
    CgroupMode cgroups,
    Path cgroupRoot,
    String pythonInterpreter,
    Map<String, Environment> environments,
    SandboxConfig sandbox,
    Path imagesFile) {
  public static final String AUTO = "auto";

  public LocalRuntimeConfig {
    stateDir = requireNonNull(stateDir, "stateDir is null").toAbsolutePath().normalize();
    requireNonNull(nodeName, "nodeName is null");
    requireNonNull(gpus, "gpus is null");
    requireNonNull(cgroups, "cgroups is null");
    requireNonNull(cgroupRoot, "cgroupRoot is null");
    requireNonNull(pythonInterpreter, "pythonInterpreter is null");
    environments = Map.copyOf(requireNonNull(environments, "environments is null"));
    requireNonNull(sandbox, "sandbox is null");
    imagesFile = imagesFile == null ? null : imagesFile.toAbsolutePath().normalize();
    if (!nodeName.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
      throw new IllegalArgumentException(
          "Expected nodeName to be a host name, but was '" + nodeName + "'");
    }
    parseGpus(gpus);
    if (cpuMillis <= 0 || memoryBytes <= 0) {
      throw new IllegalArgumentException(
          "Expected positive cpuMillis and memoryBytes, but were "
              + cpuMillis
              + " and "
              + memoryBytes);
    }
    if (pythonInterpreter.isBlank()) {
      throw new IllegalArgumentException(
          "Expected pythonInterpreter to be 'auto' or a command, but was blank");
    }
    for (String pattern : environments.keySet()) {
      if (pattern.isBlank()) {
        throw new IllegalArgumentException("Expected image patterns to be non-blank");
      }
    }
  }

  /** A configuration without an image map file: the {@code environments} only. */
  public LocalRuntimeConfig(
      Path stateDir,
      String nodeName,
      String gpus,
      long cpuMillis,
      long memoryBytes,
      CgroupMode cgroups,
      Path cgroupRoot,
      String pythonInterpreter,
      Map<String, Environment> environments,
      SandboxConfig sandbox) {
    this(
        stateDir,
        nodeName,
        gpus,
        cpuMillis,
        memoryBytes,
        cgroups,
        cgroupRoot,
        pythonInterpreter,
        environments,
        sandbox,
        null);
  }

  /**
   * The defaults: this host's name, CPUs and memory, GPUs from {@code nvidia-smi}, cgroups where
   * writable, the auto-detected interpreter, and the host as the environment of every image.
   */
  public static LocalRuntimeConfig defaults(Path stateDir) {
    return new LocalRuntimeConfig(
        stateDir,
        hostName(),
        AUTO,
        Runtime.getRuntime().availableProcessors() * 1000L,
        hostMemoryBytes(),
        CgroupMode.AUTO,
        Path.of("/sys/fs/cgroup"),
        AUTO,
        Map.of("*", Environment.HOST),
        SandboxConfig.bubblewrap(List.of()));
  }

  /** The configured GPU indices, or empty when they are to be detected. */
  public Optional<List<Integer>> configuredGpus() {
    return parseGpus(gpus);
  }

  public LocalRuntimeConfig withGpus(String newGpus) {
    return new LocalRuntimeConfig(
        stateDir,
        nodeName,
        newGpus,
        cpuMillis,
        memoryBytes,
        cgroups,
        cgroupRoot,
        pythonInterpreter,
        environments,
        sandbox,
        imagesFile);
  }

  public LocalRuntimeConfig withCgroups(CgroupMode newCgroups, Path newCgroupRoot) {
    return new LocalRuntimeConfig(
        stateDir,
        nodeName,
        gpus,
        cpuMillis,
        memoryBytes,
        newCgroups,
        newCgroupRoot,
        pythonInterpreter,
        environments,
        sandbox,
        imagesFile);
  }

  public LocalRuntimeConfig withPythonInterpreter(String newPythonInterpreter) {
    return new LocalRuntimeConfig(
        stateDir,
        nodeName,
        gpus,
        cpuMillis,
        memoryBytes,
        cgroups,
        cgroupRoot,
        newPythonInterpreter,
        environments,
        sandbox,
        imagesFile);
  }

  public LocalRuntimeConfig withEnvironments(Map<String, Environment> newEnvironments) {
    return new LocalRuntimeConfig(
        stateDir,
        nodeName,
        gpus,
        cpuMillis,
        memoryBytes,
        cgroups,
        cgroupRoot,
        pythonInterpreter,
        newEnvironments,
        sandbox,
        imagesFile);
  }

  public LocalRuntimeConfig withSandbox(SandboxConfig newSandbox) {
    return new LocalRuntimeConfig(
        stateDir,
        nodeName,
        gpus,
        cpuMillis,
        memoryBytes,
        cgroups,
        cgroupRoot,
        pythonInterpreter,
        environments,
        newSandbox,
        imagesFile);
  }

  public LocalRuntimeConfig withImagesFile(Path newImagesFile) {
    return new LocalRuntimeConfig(
        stateDir,
        nodeName,
        gpus,
        cpuMillis,
        memoryBytes,
        cgroups,
        cgroupRoot,
        pythonInterpreter,
        environments,
        sandbox,
        newImagesFile);
  }

  static Optional<List<Integer>> parseGpus(String gpus) {
    String value = gpus.trim();
    if (value.equals(AUTO)) {
      return Optional.empty();
    }
    if (value.isEmpty() || value.equals("none")) {
      return Optional.of(List.of());
    }
    if (!value.matches("\\d+( *, *\\d+)*")) {
      throw new IllegalArgumentException(
          "Expected gpus to be 'auto', 'none' or device indices like '0,1', but was '"
              + gpus
              + "'");
    }
    List<Integer> indices =
        Arrays.stream(value.split(",")).map(String::trim).map(Integer::valueOf).toList();
    if (indices.stream().distinct().count() != indices.size()) {
      throw new IllegalArgumentException("Expected distinct GPU indices, but was '" + gpus + "'");
    }
    return Optional.of(indices);
  }

  static String hostName() {
    Path kernelHostName = Path.of("/proc/sys/kernel/hostname");
    try {
      if (Files.isReadable(kernelHostName)) {
        String name = Files.readString(kernelHostName).trim();
        if (!name.isEmpty()) {
          return name;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + kernelHostName, e);
    }
    String env = System.getenv("HOSTNAME");
    return env == null || env.isBlank() ? "localhost" : env.trim();
  }

  /** MemTotal from {@code /proc/meminfo}; the JVM's max heap where that file does not exist. */
  static long hostMemoryBytes() {
    Path meminfo = Path.of("/proc/meminfo");
    if (!Files.isReadable(meminfo)) {
      return Runtime.getRuntime().maxMemory();
    }
    try {
      for (String line : Files.readAllLines(meminfo)) {
        if (line.startsWith("MemTotal:")) {
          String[] parts = line.substring("MemTotal:".length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + meminfo, e);
    }
    throw new IllegalStateException("Expected a MemTotal line in " + meminfo + ", but found none");
  }
}
