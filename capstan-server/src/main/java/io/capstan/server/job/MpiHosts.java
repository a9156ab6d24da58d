package io.capstan.server.job;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.JobSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.Resources;
import io.capstan.runtime.ReplicaLaunch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * The MPI hosts of an MPI job and what each replica runs, as the MPI Operator sets them up, and
 * what sharing the launcher's machine changes.
 *
 * <p>The launcher's {@code mpirun} starts every rank on the hosts of a hostfile: each worker with
 * the job's {@link io.capstan.api.job.MpiLayout#slotsPerWorker} slots, and the launcher first when
 * it runs ranks too ({@link io.capstan.api.job.MpiLayout#launcherRunsRanks}). The launcher gets the
 * operator's variables: {@value #ROLE} ({@code launcher}; {@code worker} for workers), {@code
 * OMPI_MCA_orte_default_hostfile}, {@code OMPI_MCA_orte_keep_fqdn_hostnames} and {@code
 * OMPI_MCA_orte_set_default_slots}; a word {@value #OPERATOR_HOSTFILE} (where the operator mounts
 * the hostfile) in its command names the generated file instead.
 *
 * <p>A worker whose endpoint is on the launcher's host, as every worker is on the local runtime, is
 * an MPI host in name only: mpirun starts the worker's ranks as its own children, on its own host,
 * with no remote shell. So the hostfile lists that host once as {@code localhost} with the slots of
 * all of them; the worker was admitted with its resources, in one gang with the launcher, and keeps
 * them, but runs a placeholder that says so in its log instead of its command (sshd); and its GPUs,
 * CPU and memory go to the launcher, whose ranks use them: the launcher's {@code
 * CUDA_VISIBLE_DEVICES} is the union of those workers' GPUs (and its own when it runs ranks), its
 * CPU and memory limits the sum of theirs and its own (none where one of them has none). Every rank
 * sees that union; a rank picks its device by its local rank, as Horovod's examples do.
 */
final class MpiHosts {
  static final String ROLE = "K_MPI_JOB_ROLE";
  static final String HOSTFILE = "OMPI_MCA_orte_default_hostfile";
  static final String OPERATOR_HOSTFILE = "/etc/mpi/hostfile";

  /** Where the launcher finds the hostfile (mounted read-only). */
  static final String HOSTFILE_PATH = "/capstan/mpi/hostfile";

  static final String LOCALHOST = "localhost";

  private final JobSpec spec;
  private final Placement placement;
  private final int slots;
  private final boolean launcherRunsRanks;
  private final Rendezvous.Replica launcher;

  MpiHosts(JobSpec spec, Placement placement) {
    this.spec = requireNonNull(spec, "spec is null");
    this.placement = requireNonNull(placement, "placement is null");
    this.slots = spec.mpi() == null ? 1 : spec.mpi().slotsPerWorker();
    this.launcherRunsRanks = spec.mpi() != null && spec.mpi().launcherRunsRanks();
    this.launcher =
        Rendezvous.replicas(spec).stream()
            .filter(replica -> replica.role() == ReplicaRole.LAUNCHER)
            .findFirst()
            .orElseThrow(
                () -> new IllegalArgumentException("MPI job " + spec.name() + " has no launcher"));
  }

  /** The hostfile: one line {@code HOST slots=N} per host, the launcher's host as localhost. */
  String hostfile() {
    Map<String, Integer> slotsByHost = new LinkedHashMap<>();
    if (launcherRunsRanks) {
      slotsByHost.put(LOCALHOST, slots);
    }
    for (Rendezvous.Replica worker : workers()) {
      String host = onLauncherHost(worker) ? LOCALHOST : host(worker);
      slotsByHost.merge(host, slots, Integer::sum);
    }
    StringBuilder text = new StringBuilder();
    slotsByHost.forEach((host, n) -> text.append(host).append(" slots=").append(n).append('\n'));
    return text.toString();
  }

  /**
   * The launch of {@code replica} as this job's MPI layout needs it; the launcher's carries the
   * hostfile as a file for the runtime to materialize.
   */
  ReplicaLaunch adapt(Rendezvous.Replica replica, ReplicaLaunch launch) {
    Map<String, String> env = new LinkedHashMap<>(launch.env());
    if (replica.role() == ReplicaRole.LAUNCHER) {
      env.put(ROLE, "launcher");
      env.put(HOSTFILE, HOSTFILE_PATH);
      env.put("OMPI_MCA_orte_keep_fqdn_hostnames", "true");
      env.put("OMPI_MCA_orte_set_default_slots", Integer.toString(slots));
      List<Rendezvous.Replica> local = rankingOnLauncherHost();
      ReplicaLaunch adapted =
          launch.with(namingHostfile(launch.command()), env, resources(local), gpus(local));
      return adapted.toBuilder()
          .args(namingHostfile(launch.args()))
          .file(HOSTFILE_PATH, hostfile())
          .build();
    }
    env.put(ROLE, "worker");
    if (onLauncherHost(replica)) {
      return launch
          .with(placeholder(replica, launch.commandLine()), env, Resources.NONE, List.of())
          .toBuilder()
          .args(List.of())
          .build();
    }
    return launch.with(launch.command(), env, launch.resources(), launch.gpuIndices());
  }

  /** Whether {@code replica} is a worker whose ranks the launcher's mpirun starts on its host. */
  boolean onLauncherHost(Rendezvous.Replica replica) {
    return replica.role() == ReplicaRole.WORKER && host(replica).equals(host(launcher));
  }

  private List<Rendezvous.Replica> workers() {
    return Rendezvous.replicas(spec).stream()
        .filter(replica -> replica.role() == ReplicaRole.WORKER)
        .toList();
  }

  /** The replicas whose ranks run on the launcher's host: itself if it runs ranks, its workers. */
  private List<Rendezvous.Replica> rankingOnLauncherHost() {
    List<Rendezvous.Replica> local = new ArrayList<>();
    if (launcherRunsRanks) {
      local.add(launcher);
    }
    workers().stream().filter(this::onLauncherHost).forEach(local::add);
    return local;
  }

  private String host(Rendezvous.Replica replica) {
    Placement.ReplicaPlacement where = placement.of(replica.name());
    if (where == null || where.endpoint() == null) {
      throw new IllegalStateException(
          "Expected an endpoint for replica " + replica.name() + " of MPI job " + spec.name());
    }
    String endpoint = where.endpoint();
    return endpoint.substring(0, endpoint.lastIndexOf(':'));
  }

  /** The GPUs of the replicas whose ranks the launcher runs. */
  private List<Integer> gpus(List<Rendezvous.Replica> local) {
    Set<Integer> gpus = new LinkedHashSet<>();
    for (Rendezvous.Replica replica : local) {
      Placement.ReplicaPlacement where = placement.of(replica.name());
      if (where != null) {
        gpus.addAll(where.gpus());
      }
    }
    return List.copyOf(gpus);
  }

  /** The launcher's own resources and those of the replicas whose ranks it runs. */
  private Resources resources(List<Rendezvous.Replica> local) {
    List<Resources> all = new ArrayList<>();
    all.add(launcher.group().resources());
    local.stream().filter(r -> r != launcher).forEach(r -> all.add(r.group().resources()));
    return new Resources(
        limit(all, local, Resources::cpuMillis),
        limit(all, local, Resources::memoryBytes),
        gpus(local).size());
  }

  /** The sum of {@code all}, or 0 (no limit) when a replica running ranks has none. */
  private static long limit(
      List<Resources> all, List<Rendezvous.Replica> local, ToLongFunction<Resources> amount) {
    if (local.stream().anyMatch(r -> amount.applyAsLong(r.group().resources()) == 0)) {
      return 0;
    }
    return all.stream().mapToLong(amount).sum();
  }

  private static List<String> namingHostfile(List<String> command) {
    return command.stream()
        .map(
            word ->
                word.equals(OPERATOR_HOSTFILE)
                    ? HOSTFILE_PATH
                    : word.endsWith("=" + OPERATOR_HOSTFILE)
                        ? word.substring(0, word.length() - OPERATOR_HOSTFILE.length())
                            + HOSTFILE_PATH
                        : word)
        .toList();
  }

  /** Holds the worker's place until the job stops it, saying why in its log. */
  private static List<String> placeholder(Rendezvous.Replica worker, List<String> command) {
    String why =
        "capstan: "
            + worker.name()
            + " is an MPI host on the launcher's machine: the launcher's mpirun starts its ranks"
            + " (see the launcher's log), so it does not run its own command ("
            + String.join(" ", command)
            + ") and holds its resources until the job ends";
    return List.of("/bin/sh", "-c", "echo \"$0\"; exec sleep infinity", why);
  }
}
