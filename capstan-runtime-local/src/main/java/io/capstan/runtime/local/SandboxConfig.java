package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * How replicas are sandboxed.
 *
 * @param mode bubblewrap or none
 * @param firstUid the first of the user ids handed to projects, one per project, when the runtime
 *     runs as root (a replica never runs as the server's user)
 * @param uidCount how many user ids the range holds
 * @param hidden host paths a sandboxed replica never sees, even where the host's permissions would
 *     let it read them (the server's data directory)
 * @param pidsMax the most processes and threads one replica may have (cgroup pids limit), 0 for no
 *     limit
 */
public record SandboxConfig(
    SandboxMode mode, int firstUid, int uidCount, List<Path> hidden, long pidsMax) {
  /** The first uid of the default range: above the uids and subuid ranges Debian hands out. */
  public static final int DEFAULT_FIRST_UID = 1_000_000_000;

  public static final int DEFAULT_UID_COUNT = 1_000_000;
  public static final long DEFAULT_PIDS_MAX = 8192;

  public SandboxConfig {
    requireNonNull(mode, "mode is null");
    hidden = List.copyOf(requireNonNull(hidden, "hidden is null"));
    if (firstUid < 1000) {
      throw new IllegalArgumentException(
          "Expected the sandbox's first uid to be at least 1000, but was " + firstUid);
    }
    if (uidCount < 1 || (long) firstUid + uidCount > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "Expected a sandbox uid count between 1 and "
              + (Integer.MAX_VALUE - (long) firstUid)
              + ", but was "
              + uidCount);
    }
    if (pidsMax < 0) {
      throw new IllegalArgumentException(
          "Expected the sandbox's pids limit to be 0 (none) or positive, but was " + pidsMax);
    }
    for (Path path : hidden) {
      if (!path.isAbsolute()) {
        throw new IllegalArgumentException(
            "Expected hidden paths to be absolute, but found '" + path + "'");
      }
    }
  }

  /** Bubblewrap, the default uid range, no hidden paths, the default pids limit. */
  public static SandboxConfig bubblewrap(List<Path> hidden) {
    return new SandboxConfig(
        SandboxMode.BUBBLEWRAP, DEFAULT_FIRST_UID, DEFAULT_UID_COUNT, hidden, DEFAULT_PIDS_MAX);
  }

  /** No sandbox (every job trusted). */
  public static SandboxConfig none() {
    return new SandboxConfig(
        SandboxMode.NONE, DEFAULT_FIRST_UID, DEFAULT_UID_COUNT, List.of(), DEFAULT_PIDS_MAX);
  }

  public boolean sandboxed() {
    return mode == SandboxMode.BUBBLEWRAP;
  }
}
