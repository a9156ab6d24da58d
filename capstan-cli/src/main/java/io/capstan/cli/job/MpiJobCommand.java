package io.capstan.cli.job;

import static java.util.Objects.requireNonNull;

import io.capstan.cli.CliContext;
import io.capstan.cli.CliException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code capstan submit mpijob}: the MPI Operator's {@code kubeflow.org/v2beta1 MPIJob}, a launcher
 * running the command (its {@code mpirun} starts every rank) and {@code --workers} hosts.
 */
@Command(
    name = "mpijob",
    aliases = "mpi",
    description =
        "Build and submit an MPI job (the MPI Operator's MPIJob): one launcher runs the command,"
            + " whose mpirun starts every rank on the hostfile of --workers hosts with"
            + " --slots-per-worker slots each. Prints the job's name.")
final class MpiJobCommand implements Callable<Integer> {
  static final String API_VERSION = "kubeflow.org/v2beta1";

  @Mixin TrainingJobOptions options;

  @Option(
      names = "--slots-per-worker",
      paramLabel = "N",
      defaultValue = "1",
      description = "MPI slots (ranks) per worker host (default: ${DEFAULT-VALUE}).")
  int slotsPerWorker;

  private final CliContext context;

  MpiJobCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    return SubmitCommand.submitDocument(context, document(), options.dryRun);
  }

  Map<String, Object> document() {
    options.check();
    if (slotsPerWorker < 1) {
      throw CliException.usage(
          "Expected --slots-per-worker to be at least 1, but was " + slotsPerWorker);
    }
    Map<String, Object> specs = new LinkedHashMap<>();
    // The launcher only starts mpirun; the workers' GPUs are where the ranks run.
    specs.put(
        "Launcher",
        replicaSpec(
            1,
            options.restartPolicy.wireName(),
            options.container("mpi-launcher", options.command(), 0)));
    // A worker with no command runs the operator's sshd, which Capstan's runtime need not start.
    specs.put(
        "Worker",
        replicaSpec(options.workers, null, options.container("mpi-worker", null, options.gpus)));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("slotsPerWorker", slotsPerWorker);
    Map<String, Object> runPolicy = new LinkedHashMap<>();
    options.policy.putRunPolicy(runPolicy);
    options.policy.putKubeflowPriority(runPolicy, "an MPI job");
    spec.put("runPolicy", runPolicy);
    spec.put("mpiReplicaSpecs", specs);
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("apiVersion", API_VERSION);
    document.put("kind", "MPIJob");
    document.put("metadata", options.metadata("mpijob-"));
    document.put("spec", spec);
    return document;
  }

  private Map<String, Object> replicaSpec(
      int replicas, String restartPolicy, Map<String, Object> container) {
    Map<String, Object> replicaSpec = new LinkedHashMap<>();
    replicaSpec.put("replicas", replicas);
    if (restartPolicy != null) {
      replicaSpec.put("restartPolicy", restartPolicy);
    }
    Map<String, Object> podSpec = new LinkedHashMap<>();
    podSpec.put("containers", List.of(container));
    options.policy.putWorkingDirAndData(container, podSpec);
    replicaSpec.put("template", Map.of("spec", podSpec));
    return replicaSpec;
  }
}
