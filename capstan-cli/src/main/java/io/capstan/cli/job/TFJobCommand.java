package io.capstan.cli.job;

import static java.util.Objects.requireNonNull;

import io.capstan.cli.CliContext;
import io.capstan.cli.CliException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code capstan submit tfjob}: a TensorFlow job of parameter servers and workers. */
@Command(
    name = "tfjob",
    aliases = "tf",
    description =
        "Build and submit a TensorFlow job: --ps parameter servers and --workers workers with"
            + " TF_CONFIG. Prints the job's name.")
final class TFJobCommand implements Callable<Integer> {
  @Mixin TrainingJobOptions options;

  @Option(
      names = "--ps",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Parameter servers (default: ${DEFAULT-VALUE}); they get --cpu and --memory, no GPUs.")
  int ps;

  private final CliContext context;

  TFJobCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    if (ps < 0) {
      throw CliException.usage("Expected --ps to be at least 0, but was " + ps);
    }
    List<Map<String, Object>> groups = new ArrayList<>();
    if (ps > 0) {
      // Parameter servers hold variables and serve them over the network; GPUs would sit idle.
      groups.add(options.group("ps", ps, 0));
    }
    groups.add(options.workerGroup());
    return SubmitCommand.submitDocument(
        context, options.document("tensorflow", "tfjob-", groups), options.dryRun);
  }
}
