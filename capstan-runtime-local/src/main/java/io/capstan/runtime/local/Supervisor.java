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
  // Why, for a sandboxed command: its first process is the outer bwrap, which dies on SIGTERM and
  // takes the sandbox down with SIGKILL (--die-with-parent), so TERM goes to the sandbox's pid 1
  // (bwrap's one child), whose init forwards it to every process inside. The supervisor waits until
  // that pid 1 traps TERM before it writes child.pid, so a TERM right after launch is not lost.
  private static final String SCRIPT =
      """
      #!/bin/sh
      # Capstan replica supervisor. Usage: supervisor.sh REPLICA_STATE_DIR direct|sandbox COMMAND [ARG...]
      dir=$1
      mode=$2
      shift 2
      child=
      stopping=
      target() {
        if [ "$mode" = sandbox ]; then
          cat "/proc/$child/task/$child/children" 2>/dev/null
        else
          echo "$child"
        fi
      }
      # Whether the sandbox's init traps TERM yet (bit 15 of SigCgt): before, pid 1 ignores it.
      ready() {
        pid=
        for found in $(target); do
          pid=$found
        done
        [ -n "$pid" ] || return 1
        caught=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null)
        digit=${caught%???}
        digit=${digit#"${digit%?}"}
        case $digit in
          [4567cdefCDEF]) return 0 ;;
          *) return 1 ;;
        esac
      }
      forward() {
        stopping=1
        if [ -n "$child" ]; then
          for pid in $(target); do
            kill -s TERM "$pid" 2>/dev/null
          done
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
      if [ "$mode" = sandbox ]; then
        tries=0
        while ! ready && kill -0 "$child" 2>/dev/null && [ "$tries" -lt 2000 ]; do
          sleep 0.005
          tries=$((tries + 1))
        done
        if [ -n "$stopping" ]; then
          forward
        fi
      fi
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
