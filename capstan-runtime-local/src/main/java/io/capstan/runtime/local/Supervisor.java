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
  private static final String SCRIPT =
      """
      #!/bin/sh
      # Capstan replica supervisor. Usage: supervisor.sh REPLICA_STATE_DIR COMMAND [ARG...]
      dir=$1
      shift
      child=
      stopping=
      forward() {
        stopping=1
        if [ -n "$child" ]; then
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
      wait "$child"
      status=$?
      while kill -0 "$child" 2>/dev/null; do
        wait "$child"
        status=$?
      done
      record "$status"
      """;

  private final Path script;

  private Supervisor(Path script) {
    this.script = script;
  }

  /** Writes the script into {@code stateDir} (see {@link StateScript}). */
  static Supervisor install(Path stateDir) {
    return new Supervisor(StateScript.install(stateDir, FILE_NAME, SCRIPT));
  }

  /** {@code setsid sh supervisor.sh DIR COMMAND...}: a new session and process group. */
  List<String> commandLine(Path replicaDir, List<String> command) {
    List<String> line = new ArrayList<>(command.size() + 4);
    line.add("setsid");
    line.add("/bin/sh");
    line.add(script.toString());
    line.add(replicaDir.toString());
    line.addAll(command);
    return line;
  }
}
