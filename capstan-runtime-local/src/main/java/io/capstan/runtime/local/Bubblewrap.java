package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.Mount;
import io.capstan.runtime.MountSource;
import io.capstan.runtime.ReplicaLaunch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The bubblewrap command line that runs one replica in its sandbox: a tmpfs root with the host's
 * top-level directories bound read-only, the server's data directory hidden, a private {@code
 * /tmp}, {@code /dev/shm} and {@code /proc} (of the replica's own PID namespace), a minimal {@code
 * /dev} plus the device nodes of the replica's GPUs, the replica's work directory at {@value
 * io.capstan.runtime.ReplicaLaunch#WORK_DIR} and its mounts at their container paths. New PID, IPC,
 * UTS (with a host name of its own where the sandbox names one) and cgroup namespaces, and a
 * network namespace when the replica needs no peers; {@code no_new_privs}; the sandbox dies with
 * its supervisor.
 *
 * <p>As root, bubblewrap sets up the mounts and the replica's first process drops to the tenant's
 * uid with {@code setpriv} (no capabilities, an empty bounding set), so the replica is an
 * unprivileged user of the host, not root in a user namespace. Run by another user, bubblewrap
 * makes a user namespace and the replica keeps that user's uid (decision 55).
 */
final class Bubblewrap {
  static final String COMMAND = "bwrap";
  static final String SETPRIV = "setpriv";

  /** Where a sandboxed replica finds the runtime's remote shell agent for mpirun. */
  static final String MPI_AGENT = "/capstan/bin/" + Mpirun.AGENT_FILE;

  /** The user name a sandboxed replica has in its {@code /etc/passwd}. */
  static final String USER = "capstan";

  /** Host directories the sandbox replaces with its own. */
  private static final String DEV_SHM = "/dev/shm";

  private static final Set<String> REPLACED = Set.of("proc", "dev", "tmp", "sys", "lost+found");

  private static final List<String> GPU_CONTROL_DEVICES =
      List.of("/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools", "/dev/nvidia-modeset");

  // Why: pid 1 of a PID namespace receives from outside only the signals it has a handler for,
  // so a plain command as pid 1 would ignore the supervisor's SIGTERM. This init forwards TERM and
  // INT to every process of the sandbox (kill -1 from pid 1 reaches all but itself), waits until
  // the command is really gone and exits with its status; the kernel then kills what is left. A
  // TERM that came before its trap was set left the supervisor's stop file (see Supervisor).
  static final String INIT =
      """
      trap 'stopping=1; kill -s TERM -- -1 2>/dev/null' TERM INT
      if [ -e %s/%s ]; then
        exit 143
      fi
      "$@" &
      child=$!
      if [ -n "$stopping" ]; then
        kill -s TERM "$child" 2>/dev/null
      fi
      wait "$child"
      status=$?
      while kill -0 "$child" 2>/dev/null; do
        wait "$child"
        status=$?
      done
      exit "$status"
      """
          .formatted(ReplicaLaunch.WORK_DIR, Supervisor.STOP_FILE);

  private final boolean root;
  private final List<Path> hidden;
  private final Path mpiAgent;

  /**
   * @param root whether the runtime runs as root (then replicas drop to a tenant's uid)
   * @param hidden host paths the replica never sees
   * @param mpiAgent the runtime's remote shell agent for mpirun, bound at {@link #MPI_AGENT}
   */
  Bubblewrap(boolean root, List<Path> hidden, Path mpiAgent) {
    this.root = root;
    this.hidden = List.copyOf(hidden);
    this.mpiAgent = requireNonNull(mpiAgent, "mpiAgent is null");
  }

  /**
   * What one replica's sandbox is made of.
   *
   * @param hostname the host name in the sandbox's UTS namespace, or empty for the host's
   * @param chdir the container path the command starts in ({@link ReplicaLaunch#WORK_DIR} unless
   *     the launch or its image names a working directory)
   */
  record Sandbox(
      int uid,
      Path workDir,
      List<Mount> mounts,
      List<Integer> gpus,
      boolean privateNetwork,
      Optional<Path> passwd,
      Optional<Path> group,
      Optional<String> hostname,
      String chdir) {}

  /** {@code setsid bwrap ARGS -- [setpriv ...] sh -c INIT capstan-init COMMAND...}. */
  List<String> commandLine(Sandbox sandbox, List<String> command) {
    List<String> line = new ArrayList<>();
    // Why setsid: the runtime's SIGTERM to the supervisor's process group must not reach the
    // outer bwrap process, whose death would SIGKILL the sandbox before its grace period.
    line.add("setsid");
    line.add(COMMAND);
    line.addAll(namespaces(sandbox));
    line.addAll(hostFileSystem(sandbox.mounts()));
    line.addAll(List.of("--proc", "/proc", "--dev", "/dev"));
    line.addAll(List.of("--perms", "1777", "--tmpfs", "/tmp"));
    if (sandbox.mounts().stream().noneMatch(mount -> mount.containerPath().equals(DEV_SHM))) {
      line.addAll(List.of("--perms", "1777", "--tmpfs", DEV_SHM));
    }
    line.addAll(List.of("--ro-bind", "/sys", "/sys"));
    for (Path path : hidden) {
      boolean inside =
          hidden.stream().anyMatch(other -> !other.equals(path) && path.startsWith(other));
      if (visibleInSandbox(path) && !inside) {
        line.addAll(List.of("--tmpfs", path.toString()));
      }
    }
    Set<Path> made = new HashSet<>();
    parents(ReplicaLaunch.WORK_DIR, made, line);
    line.addAll(List.of("--bind", sandbox.workDir().toString(), ReplicaLaunch.WORK_DIR));
    for (Mount mount : sandbox.mounts()) {
      parents(mount.containerPath(), made, line);
      if (mount.source() instanceof MountSource.Memory memory) {
        if (memory.sizeLimitBytes() != null) {
          line.addAll(List.of("--size", memory.sizeLimitBytes().toString()));
        }
        line.addAll(List.of("--perms", "1777", "--tmpfs", mount.containerPath()));
        continue;
      }
      line.add(mount.readOnly() ? "--ro-bind" : "--bind");
      line.add(mount.hostPath().toString());
      line.add(mount.containerPath());
    }
    parents(MPI_AGENT, made, line);
    line.addAll(List.of("--ro-bind", mpiAgent.toString(), MPI_AGENT));
    sandbox
        .passwd()
        .ifPresent(file -> line.addAll(List.of("--ro-bind", file.toString(), "/etc/passwd")));
    sandbox
        .group()
        .ifPresent(file -> line.addAll(List.of("--ro-bind", file.toString(), "/etc/group")));
    for (String device : devices(sandbox.gpus())) {
      line.addAll(List.of("--dev-bind", device, device));
    }
    line.addAll(List.of("--chdir", sandbox.chdir(), "--as-pid-1", "--"));
    if (root) {
      line.addAll(
          List.of(
              SETPRIV,
              "--reuid=" + sandbox.uid(),
              "--regid=" + sandbox.uid(),
              "--clear-groups",
              "--inh-caps=-all",
              "--bounding-set=-all",
              "--"));
    }
    line.addAll(List.of("/bin/sh", "-c", INIT, "capstan-init"));
    line.addAll(command);
    return line;
  }

  /**
   * Makes the directories above a container path that the host does not have, readable by all
   * (bubblewrap would make them accessible to root only).
   */
  private static void parents(String containerPath, Set<Path> made, List<String> line) {
    List<Path> missing = new ArrayList<>();
    for (Path dir = Path.of(containerPath).getParent();
        dir != null && dir.getParent() != null && !made.contains(dir);
        dir = dir.getParent()) {
      if (!Files.isDirectory(dir)) {
        missing.add(0, dir);
      }
    }
    for (Path dir : missing) {
      if (made.add(dir)) {
        line.addAll(List.of("--perms", "0755", "--dir", dir.toString()));
      }
    }
  }

  private List<String> namespaces(Sandbox sandbox) {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "--unshare-pid",
            "--unshare-ipc",
            "--unshare-uts",
            "--unshare-cgroup-try",
            "--die-with-parent"));
    if (sandbox.privateNetwork()) {
      args.add("--unshare-net");
    }
    sandbox.hostname().ifPresent(name -> args.addAll(List.of("--hostname", name)));
    if (root) {
      // The first process only needs to change its uid; it keeps nothing else.
      args.addAll(
          List.of(
              "--cap-drop", "ALL",
              "--cap-add", "CAP_SETUID",
              "--cap-add", "CAP_SETGID",
              "--cap-add", "CAP_SETPCAP"));
    } else {
      args.add("--unshare-user");
    }
    return args;
  }

  /**
   * The host's top-level entries, read-only; a directory that holds a mount's container path that
   * does not exist on the host becomes a tmpfs with its own entries bound (a bind needs a target).
   */
  private static List<String> hostFileSystem(List<Mount> mounts) {
    List<Path> targets =
        mounts.stream()
            .map(mount -> Path.of(mount.containerPath()))
            .filter(target -> !Files.exists(target, LinkOption.NOFOLLOW_LINKS))
            .toList();
    List<String> args = new ArrayList<>();
    bindChildren(Path.of("/"), targets, args);
    return args;
  }

  private static void bindChildren(Path dir, List<Path> targets, List<String> args) {
    for (Path child : children(dir)) {
      if (dir.getParent() == null && REPLACED.contains(child.getFileName().toString())) {
        continue;
      }
      if (Files.isSymbolicLink(child)) {
        args.addAll(List.of("--symlink", readLink(child), child.toString()));
        continue;
      }
      List<Path> below =
          targets.stream().filter(t -> t.startsWith(child) && !t.equals(child)).toList();
      if (below.isEmpty() || !Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
        args.addAll(List.of("--ro-bind", child.toString(), child.toString()));
      } else {
        args.addAll(List.of("--perms", "0755", "--tmpfs", child.toString()));
        // Why not read-only: later binds create their targets in it; it is the sandbox's own.
        bindChildren(child, below, args);
      }
    }
  }

  private static List<Path> children(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.sorted(Comparator.naturalOrder()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir + " for the sandbox", e);
    }
  }

  private static String readLink(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the symbolic link " + link, e);
    }
  }

  /** Whether a host path would be seen in the sandbox (it is not under a directory it replaces). */
  private static boolean visibleInSandbox(Path path) {
    return path.getNameCount() > 0
        && !REPLACED.contains(path.getName(0).toString())
        && Files.isDirectory(path);
  }

  /** The device nodes of the given GPUs and NVIDIA's control devices, those that exist. */
  static List<String> devices(List<Integer> gpus) {
    return devices(Path.of("/dev"), gpus);
  }

  /** {@link #devices(List)} under {@code devRoot} (a test's fake {@code /dev}). */
  static List<String> devices(Path devRoot, List<Integer> gpus) {
    if (gpus.isEmpty()) {
      return List.of();
    }
    List<String> devices = new ArrayList<>();
    for (int index : gpus) {
      devices.add("/dev/nvidia" + index);
    }
    devices.addAll(GPU_CONTROL_DEVICES);
    return devices.stream()
        .filter(device -> Files.exists(devRoot.resolve(device.substring("/dev/".length()))))
        .toList();
  }

  /** Whether this host has NVIDIA device nodes, so a sandbox shows only the assigned GPUs. */
  static boolean hidesOtherGpus() {
    return Files.exists(Path.of("/dev/nvidiactl"));
  }

  /**
   * Why sandboxes cannot be made here, or empty when a trial sandbox ran: bubblewrap missing, user
   * namespaces off, or (as root) setpriv missing.
   */
  static Optional<String> probe(boolean root) {
    List<String> command = new ArrayList<>(List.of(COMMAND, "--ro-bind", "/", "/"));
    command.addAll(List.of("--unshare-pid", "--unshare-ipc", "--proc", "/proc", "--dev", "/dev"));
    if (!root) {
      command.add("--unshare-user");
    }
    command.add("--");
    if (root) {
      command.addAll(List.of(SETPRIV, "--reuid=65534", "--regid=65534", "--clear-groups", "--"));
    }
    command.add("/bin/true");
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output;
      try (InputStream in = process.getInputStream()) {
        output = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      }
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return Optional.of("a trial sandbox did not finish within 30 s");
      }
      if (process.exitValue() != 0) {
        return Optional.of(
            "a trial sandbox failed with exit code " + process.exitValue() + ": " + output);
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(
          "bubblewrap ("
              + COMMAND
              + ") cannot be run: "
              + e.getMessage()
              + "; install Debian's bubblewrap package");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while probing bubblewrap", e);
    }
  }
}
