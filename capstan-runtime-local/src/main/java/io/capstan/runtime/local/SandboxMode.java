package io.capstan.runtime.local;

/** How the local runtime isolates a replica from the host and from other projects. */
public enum SandboxMode {
  /**
   * Each replica runs in a bubblewrap sandbox (mount, PID, IPC, UTS and cgroup namespaces; the host
   * read-only; only its own folders visible) as an unprivileged user of its project.
   */
  BUBBLEWRAP,
  /**
   * No isolation: replicas run as the server's own user and see what it sees. Only for machines
   * where every job is trusted (the operator's {@code --trust-all-jobs}).
   */
  NONE
}
