package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A replica that starts MPI ranks with Open MPI's {@code mpirun} (or {@code mpiexec}, {@code
 * orterun}, by any path), as the launcher of an MPIJob does. On one machine every rank is a child
 * of that mpirun, under the replica's process group and cgroup.
 *
 * <p>The program of each of mpirun's app contexts (its first {@code python} or {@code python3}
 * word, and the first after each {@code :}) becomes the replica's interpreter, as a leading {@code
 * python} does, so the ranks see the same frameworks as any other replica of the image.
 *
 * <p>Open MPI's variables, unless the launch sets them: {@value #RSH_AGENT} names {@value
 * #AGENT_FILE}, which fails with a message naming the host should mpirun try to start a process on
 * another machine (a {@code --host} of the command, or a hostfile of the user's; there is no other
 * machine and no SSH); and, when the runtime runs as root, {@value #ALLOW_ROOT} and {@value
 * #ALLOW_ROOT_CONFIRM}, without which mpirun refuses to start as root.
 */
final class Mpirun {
  static final Set<String> COMMANDS = Set.of("mpirun", "mpiexec", "orterun");
  static final String AGENT_FILE = "mpi-no-other-hosts.sh";
  static final String RSH_AGENT = "OMPI_MCA_plm_rsh_agent";
  static final String ALLOW_ROOT = "OMPI_ALLOW_RUN_AS_ROOT";
  static final String ALLOW_ROOT_CONFIRM = "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM";

  // Why: mpirun calls its agent as `agent [plm_rsh_args] HOST orted ...`; the loop skips ssh's
  // options (those of ssh that take a value skip two words) to name the host it wanted.
  private static final String AGENT =
      """
      #!/bin/sh
      # Capstan's remote shell agent for mpirun on one machine: there is no other host to reach.
      while [ $# -gt 0 ]; do
        case $1 in
          -[BbcDEeFIiJLlmOopQRSWw]) shift 2 ;;
          -*) shift ;;
          *) break ;;
        esac
      done
      echo "capstan: mpirun tried to start processes on host '$1'; Capstan's local runtime runs\
       every MPI rank on this machine, under the launcher: use the hostfile it gets\
       (OMPI_MCA_orte_default_hostfile) rather than other hosts" >&2
      exit 1
      """;

  private final Path agent;
  private final boolean root;

  Mpirun(Path agent, boolean root) {
    this.agent = requireNonNull(agent, "agent is null");
    this.root = root;
  }

  /** Writes the agent script into {@code stateDir}; {@code root}: the runtime runs as root. */
  static Mpirun install(Path stateDir, boolean root) {
    return new Mpirun(StateScript.install(stateDir, AGENT_FILE, AGENT), root);
  }

  /** The agent script's path (where the runtime wrote it). */
  Path agent() {
    return agent;
  }

  /** The same agent as a replica sees it at {@code path}; {@code root}: replicas run as root. */
  Mpirun seenAt(Path path, boolean replicasRunAsRoot) {
    return new Mpirun(path, replicasRunAsRoot);
  }

  /** Whether {@code command} starts mpirun, by name or by path. */
  static boolean launches(List<String> command) {
    String first = command.get(0);
    return COMMANDS.contains(first.substring(first.lastIndexOf('/') + 1));
  }

  /** {@code command} with the python program of each app context run by {@code interpreter}. */
  static List<String> withInterpreter(List<String> command, String interpreter) {
    List<String> result = new ArrayList<>(command);
    boolean programSeen = false;
    for (int i = 1; i < result.size(); i++) {
      String word = result.get(i);
      if (word.equals(":")) {
        programSeen = false;
      } else if (!programSeen && ImageEnvironments.isPython(word)) {
        result.set(i, interpreter);
        programSeen = true;
      }
    }
    return result;
  }

  /** Adds the agent and, as root, the permission to run as root, where {@code env} has none. */
  void addDefaults(Map<String, String> env) {
    env.putIfAbsent(RSH_AGENT, agent.toString());
    if (root) {
      env.putIfAbsent(ALLOW_ROOT, "1");
      env.putIfAbsent(ALLOW_ROOT_CONFIRM, "1");
    }
  }
}
