package io.capstan.cli.job;

import static java.util.Objects.requireNonNull;

import io.capstan.cli.CliContext;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code capstan submit pytorchjob}: a PyTorch job of identical workers. */
@Command(
    name = "pytorchjob",
    description =
        "Build and submit a PyTorch job: --workers replicas with torch.distributed's environment"
            + " (MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK). Prints the job's name.")
final class PyTorchJobCommand implements Callable<Integer> {
  @Mixin TrainingJobOptions options;

  private final CliContext context;

  PyTorchJobCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    return SubmitCommand.submitDocument(
        context, options.document("pytorch", "pytorchjob-", List.of(options.workerGroup())));
  }
}
