package io.capstan.cli.job;

import static java.util.Objects.requireNonNull;

import io.capstan.cli.CliContext;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code capstan submit job}: a job of identical workers with only Capstan's environment. */
@Command(
    name = "job",
    description =
        "Build and submit a generic job: --workers replicas with only Capstan's own environment"
            + " variables. Prints the job's name.")
final class GenericJobCommand implements Callable<Integer> {
  @Mixin TrainingJobOptions options;

  private final CliContext context;

  GenericJobCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    return SubmitCommand.submitDocument(
        context,
        options.document("generic", "job-", List.of(options.workerGroup())),
        options.dryRun);
  }
}
