package io.capstan.runtime.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The POSIX sh script that leads each replica's process group: it joins the replica's cgroups, runs
 * the command, forwards SIGTERM/SIGINT, waits until the command is really gone and records its exit
 * status atomically in {@code exit_code}, so that a restarted control plane can read it.
 */
final class Supervisor {
  static final String FILE_NAME = "supervisor.sh";

  // Why: the trap comes first, so a TERM that arrives before the command starts is recorded as 143
  // rather than killing the supervisor without a record. A background command of a
  // non-interactive sh ignores SIGINT, so INT is forwarded as TERM. An interrupted `wait` returns
  // early, so it loops while the child still exists (a zombie counts: the next `wait` reaps it and
  // returns its status). `record` ignores TERM and INT (and so does `mv`, which inherits that), so
  // that a late signal to the group cannot kill it between the status and its record.
  /** The file in a sandboxed replica's work directory that asks its init to stop. */
  static final String STOP_FILE = ".capstan-stop";

  // Why, for a sandboxed command: its first process is the outer bwrap, which dies on SIGTERM and
  // takes the sandbox down with SIGKILL (--die-with-parent), so TERM goes to the sandbox's pid 1
  // (bwrap's one child), whose init forwards it to every process inside. Pid 1 ignores a TERM that
  // comes before its trap is set, so the supervisor first leaves a stop file in the work directory
  // (its own working directory, the sandbox's /capstan/work), which the init reads after setting
  // its trap: whichever comes first, the command is stopped, and nothing polls.
  private static final String SCRIPT =
      """
      #!/bin/sh
      # Capstan replica supervisor. Usage: supervisor.sh REPLICA_STATE_DIR direct|sandbox COMMAND [ARG...]
      dir=$1
      mode=$2
      shift 2
      child=
      stopping=
      forward() {
        stopping=1
        if [ -z "$child" ]; then
          return
        fi
        if [ "$mode" = sandbox ]; then
          : > "$PWD/%s"
          for pid in $(cat "/proc/$child/task/$child/children" 2>/dev/null); do
            kill -s TERM "$pid" 2>/dev/null
          done
        else
          kill -s TERM "$child" 2>/dev/null
        fi
      }
      record() {
        trap '' TERM INT
        echo "$1" > "$dir/exit_code.tmp" && mv -f "$dir/exit_code.tmp" "$dir/exit_code"
        exit "$1"
      }
      trap forward TERM INT
      if [ -f "$dir/cgroups" ]; then
        while IFS= read -r cgroup; do
          if [ -n "$cgroup" ] && ! echo $$ > "$cgroup/cgroup.procs"; then
            echo "could not join cgroup $cgroup" > "$dir/failure"
            record 125
          fi
        done < "$dir/cgroups"
      fi
      if [ -n "$stopping" ]; then
        record 143
      fi
      "$@" &
      child=$!
      echo "$child" > "$dir/child.pid"
      if [ -n "$stopping" ]; then
        forward
      fi
      wait "$child"
      status=$?
      while kill -0 "$child" 2>/dev/null; do
        wait "$child"
        status=$?
      done
      record "$status"
      """
          .formatted(STOP_FILE);

  private final Path script;

  private Supervisor(Path script) {
    this.script = script;
  }

  /** Writes the script into {@code stateDir} (see {@link StateScript}). */
  static Supervisor install(Path stateDir) {
    return new Supervisor(StateScript.install(stateDir, FILE_NAME, SCRIPT));
  }

  /**
   * {@code setsid sh supervisor.sh DIR MODE COMMAND...}: a new session and process group; {@code
   * sandboxed}: the command is a bubblewrap sandbox (see {@link Bubblewrap}).
   */
  List<String> commandLine(Path replicaDir, boolean sandboxed, List<String> command) {
    List<String> line = new ArrayList<>(command.size() + 5);
    line.add("setsid");
    line.add("/bin/sh");
    line.add(script.toString());
    line.add(replicaDir.toString());
    line.add(sandboxed ? "sandbox" : "direct");
    line.addAll(command);
    return line;
  }
}
