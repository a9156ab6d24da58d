package io.capstan.cli.job;

import static java.util.Objects.requireNonNull;

import io.capstan.cli.CliContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code capstan submit pytorchjob}: a PyTorch job of identical workers. */
@Command(
    name = "pytorchjob",
    aliases = "pytorch",
    description =
        "Build and submit a PyTorch job: --workers replicas with torch.distributed's environment"
            + " (MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK) and torchrun's (PET_NNODES,"
            + " PET_NODE_RANK, PET_NPROC_PER_NODE...). Prints the job's name.")
final class PyTorchJobCommand implements Callable<Integer> {
  @Mixin TrainingJobOptions options;

  @Option(
      names = "--nproc-per-node",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Processes per worker, started by torchrun, which the command must run (default:"
              + " ${DEFAULT-VALUE}).")
  int processesPerNode;

  private final CliContext context;

  PyTorchJobCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    Map<String, Object> document =
        options.document(
            "pytorch",
            "pytorchjob-",
            List.of(options.workerGroup()),
            processesPerNode == 1 ? Map.of() : Map.of("processesPerNode", processesPerNode));
    return SubmitCommand.submitDocument(context, document, options.dryRun);
  }
}
