package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.Resources;
import io.capstan.runtime.ReplicaId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicas' cgroups, v1 or v2: one cgroup per replica under {@code capstan/<namespace>} with
 * the replica's CPU and memory limits, so that limits are enforced and every process of a replica
 * can be found and killed, even one that left the replica's process group.
 */
final class Cgroups {
  private static final Logger log = LoggerFactory.getLogger(Cgroups.class);
  private static final long CPU_PERIOD_MICROS = 100_000;

  private final int version;
  private final Optional<Path> cpuParent;
  private final Optional<Path> memoryParent;
  private final Optional<Path> pidsParent;
  private final List<String> notes;

  private Cgroups(
      int version,
      Optional<Path> cpuParent,
      Optional<Path> memoryParent,
      Optional<Path> pidsParent,
      List<String> notes) {
    this.version = version;
    this.cpuParent = cpuParent;
    this.memoryParent = memoryParent;
    this.pidsParent = pidsParent;
    List<String> all = new ArrayList<>(notes);
    if (version > 0) {
      all.add(
          pidsParent.isPresent()
              ? "cgroup v" + version + ": a pids limit per replica is enforced"
              : "The pids limit per replica is not enforced: no writable pids controller");
    }
    this.notes = List.copyOf(all);
  }

  /** Finds the cgroup hierarchy under {@code root} and checks that it can create cgroups there. */
  static Cgroups detect(CgroupMode mode, Path root, String namespace) {
    requireNonNull(root, "root is null");
    if (mode == CgroupMode.OFF) {
      return none("CPU and memory limits are not enforced: cgroups are turned off (cgroups=off)");
    }
    if (Files.exists(root.resolve("cgroup.controllers"))) {
      return detectV2(root, namespace);
    }
    if (Files.isDirectory(root.resolve("memory")) || Files.isDirectory(root.resolve("cpu"))) {
      return detectV1(root, namespace);
    }
    return none(
        "CPU and memory limits are not enforced: no cgroup v1 or v2 hierarchy under " + root);
  }

  private static Cgroups none(String note) {
    return new Cgroups(0, Optional.empty(), Optional.empty(), Optional.empty(), List.of(note));
  }

  private static Cgroups detectV1(Path root, String namespace) {
    List<String> problems = new ArrayList<>();
    Optional<Path> cpu = writableParent(root.resolve("cpu"), namespace, problems);
    Optional<Path> memory = writableParent(root.resolve("memory"), namespace, problems);
    Optional<Path> pids = writableParent(root.resolve("pids"), namespace, new ArrayList<>());
    return new Cgroups(1, cpu, memory, pids, describe(1, cpu, memory, problems));
  }

  private static Cgroups detectV2(Path root, String namespace) {
    List<String> problems = new ArrayList<>();
    Optional<Path> parent = writableParent(root, namespace, problems);
    if (parent.isEmpty()) {
      return new Cgroups(
          2,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          describe(2, parent, parent, problems));
    }
    boolean cpu = enableV2Controller(root, parent.get(), "cpu", problems);
    boolean memory = enableV2Controller(root, parent.get(), "memory", problems);
    boolean pids = enableV2Controller(root, parent.get(), "pids", new ArrayList<>());
    Optional<Path> cpuParent = cpu ? parent : Optional.empty();
    Optional<Path> memoryParent = memory ? parent : Optional.empty();
    Optional<Path> pidsParent = pids ? parent : Optional.empty();
    return new Cgroups(
        2, cpuParent, memoryParent, pidsParent, describe(2, cpuParent, memoryParent, problems));
  }

  private static Optional<Path> writableParent(
      Path hierarchy, String namespace, List<String> problems) {
    if (!Files.isDirectory(hierarchy)) {
      problems.add("no " + hierarchy);
      return Optional.empty();
    }
    Path parent = hierarchy.resolve("capstan").resolve(namespace);
    try {
      Files.createDirectories(parent);
      return Optional.of(parent);
    } catch (IOException e) {
      log.info("Cannot create cgroup {}: {}", parent, e.toString());
      problems.add(reason(e));
      return Optional.empty();
    }
  }

  /** Enables a v2 controller from the root down to {@code parent}, so its children get it. */
  private static boolean enableV2Controller(
      Path root, Path parent, String controller, List<String> problems) {
    try {
      if (!Files.readString(root.resolve("cgroup.controllers")).contains(controller)) {
        problems.add("the " + controller + " controller is not available in " + root);
        return false;
      }
      for (Path dir = root; ; dir = dir.resolve(parent.getName(dir.getNameCount()).toString())) {
        Path subtree = dir.resolve("cgroup.subtree_control");
        if (!List.of(Files.readString(subtree).trim().split("\\s+")).contains(controller)) {
          Files.writeString(subtree, "+" + controller);
        }
        if (dir.equals(parent)) {
          return true;
        }
      }
    } catch (IOException e) {
      log.info("Cannot enable the cgroup v2 {} controller: {}", controller, e.toString());
      problems.add(reason(e));
      return false;
    }
  }

  private static String reason(IOException e) {
    if (e instanceof FileSystemException fileSystem && fileSystem.getReason() != null) {
      return fileSystem.getFile() + ": " + fileSystem.getReason();
    }
    return e.toString();
  }

  private static List<String> describe(
      int version, Optional<Path> cpu, Optional<Path> memory, List<String> problems) {
    String why = "cgroups are not writable here (" + String.join("; ", problems) + ")";
    if (cpu.isPresent() && memory.isPresent()) {
      return List.of("cgroup v" + version + ": cpu and memory limits enforced");
    }
    if (cpu.isEmpty() && memory.isEmpty()) {
      return List.of("CPU and memory limits are not enforced: " + why);
    }
    String enforced = cpu.isPresent() ? "cpu" : "memory";
    String missing = cpu.isPresent() ? "Memory" : "CPU";
    return List.of(
        "cgroup v" + version + ": " + enforced + " limits enforced",
        missing + " limits are not enforced: " + why);
  }

  boolean enforcesCpu() {
    return cpuParent.isPresent();
  }

  boolean enforcesMemory() {
    return memoryParent.isPresent();
  }

  boolean enforcesPids() {
    return pidsParent.isPresent();
  }

  boolean inUse() {
    return enforcesCpu() || enforcesMemory() || enforcesPids();
  }

  List<String> notes() {
    return notes;
  }

  /**
   * Creates the replica's cgroups with its limits (only those above zero) and its pids limit (0:
   * none) and returns them.
   */
  List<Path> create(ReplicaId id, Resources limits, long pidsMax) {
    List<Path> dirs = new ArrayList<>();
    try {
      if (version == 2) {
        Path parent = cpuParent.or(() -> memoryParent).or(() -> pidsParent).orElseThrow();
        Files.createDirectories(parent);
        // The parent may have been removed and re-created since detection (see
        // removeParentsIfEmpty).
        for (String controller : List.of("cpu", "memory", "pids")) {
          boolean enforced =
              switch (controller) {
                case "cpu" -> enforcesCpu();
                case "memory" -> enforcesMemory();
                default -> enforcesPids();
              };
          if (enforced) {
            Files.writeString(parent.resolve("cgroup.subtree_control"), "+" + controller);
          }
        }
        Path dir = parent.resolve(id.key());
        Files.createDirectories(dir);
        dirs.add(dir);
        if (enforcesCpu() && limits.cpuMillis() > 0) {
          Files.writeString(
              dir.resolve("cpu.max"), cpuQuotaMicros(limits) + " " + CPU_PERIOD_MICROS);
        }
        if (enforcesMemory() && limits.memoryBytes() > 0) {
          Files.writeString(dir.resolve("memory.max"), Long.toString(limits.memoryBytes()));
        }
        if (enforcesPids() && pidsMax > 0) {
          Files.writeString(dir.resolve("pids.max"), Long.toString(pidsMax));
        }
        return dirs;
      }
      if (enforcesCpu()) {
        Path dir = cpuParent.get().resolve(id.key());
        Files.createDirectories(dir);
        dirs.add(dir);
        if (limits.cpuMillis() > 0) {
          Files.writeString(dir.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_MICROS));
          Files.writeString(dir.resolve("cpu.cfs_quota_us"), Long.toString(cpuQuotaMicros(limits)));
        }
      }
      if (enforcesMemory()) {
        Path dir = memoryParent.get().resolve(id.key());
        Files.createDirectories(dir);
        dirs.add(dir);
        if (limits.memoryBytes() > 0) {
          Files.writeString(
              dir.resolve("memory.limit_in_bytes"), Long.toString(limits.memoryBytes()));
        }
      }
      if (enforcesPids()) {
        Path dir = pidsParent.get().resolve(id.key());
        Files.createDirectories(dir);
        dirs.add(dir);
        if (pidsMax > 0) {
          Files.writeString(dir.resolve("pids.max"), Long.toString(pidsMax));
        }
      }
      return dirs;
    } catch (IOException e) {
      remove(dirs);
      throw new UncheckedIOException(
          "Cannot create the cgroups of replica " + id.key() + " with limits " + limits, e);
    }
  }

  private static long cpuQuotaMicros(Resources limits) {
    return Math.max(1000, limits.cpuMillis() * CPU_PERIOD_MICROS / 1000);
  }

  /** The processes still in the given cgroups. */
  static List<Long> processes(List<Path> dirs) {
    List<Long> pids = new ArrayList<>();
    for (Path dir : dirs) {
      try {
        Files.readString(dir.resolve("cgroup.procs"))
            .lines()
            .map(String::trim)
            .filter(line -> line.matches("\\d+"))
            .map(Long::valueOf)
            .filter(pid -> !pids.contains(pid))
            .forEach(pids::add);
      } catch (NoSuchFileException e) {
        // already removed
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + dir.resolve("cgroup.procs"), e);
      }
    }
    return pids;
  }

  /** Whether the kernel's OOM killer killed a process in the given cgroups. */
  static boolean oomKilled(List<Path> dirs) {
    for (Path dir : dirs) {
      for (String file : List.of("memory.oom_control", "memory.events")) {
        try {
          boolean killed =
              Files.readString(dir.resolve(file))
                  .lines()
                  .anyMatch(line -> line.startsWith("oom_kill ") && !line.equals("oom_kill 0"));
          if (killed) {
            return true;
          }
        } catch (NoSuchFileException e) {
          // not this version's file, or already removed
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot read " + dir.resolve(file), e);
        }
      }
    }
    return false;
  }

  /** Removes this runtime's parent cgroups when no replica cgroup is left in them. */
  void removeParentsIfEmpty() {
    for (Optional<Path> parent : List.of(cpuParent, memoryParent, pidsParent)) {
      if (parent.isPresent()) {
        try {
          Files.deleteIfExists(parent.get());
        } catch (IOException e) {
          log.debug("Keeping cgroup {}: {}", parent.get(), e.toString());
        }
      }
    }
  }

  /** Removes the given cgroups (rmdir); returns false when one still has processes in it. */
  static boolean remove(List<Path> dirs) {
    boolean removed = true;
    for (Path dir : dirs) {
      try {
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        log.warn("Cannot remove cgroup {}: {}", dir, e.toString());
        removed = false;
      }
    }
    return removed;
  }
}
