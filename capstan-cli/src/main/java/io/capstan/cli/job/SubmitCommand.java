package io.capstan.cli.job;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.job.SubmitResponse;
import io.capstan.cli.CliContext;
import io.capstan.cli.CliException;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.client.ApiClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code capstan submit -f FILE}: sends a job spec as written; prints the job's name. */
@Command(
    name = "submit",
    description =
        "Submit a job spec (Capstan TrainingJob, Kubeflow PyTorchJob or TFJob, Kubeflow Trainer"
            + " TrainJob, MPI Operator MPIJob, Kubernetes batch/v1 Job; YAML or JSON), or build"
            + " one with pytorchjob"
            + " (pytorch), tfjob (tf), mpijob (mpi) or job. Prints the job's name.")
public final class SubmitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description = "The job spec; '-' reads standard input.")
  String file;

  private final CliContext context;

  SubmitCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  /**
   * {@code submit} with its {@code pytorchjob}, {@code tfjob}, {@code mpijob} and {@code job}
   * subcommands.
   */
  public static CommandLine commandLine(CliContext context) {
    CommandLine submit = new CommandLine(new SubmitCommand(context));
    submit.addSubcommand(new PyTorchJobCommand(context));
    submit.addSubcommand(new TFJobCommand(context));
    submit.addSubcommand(new MpiJobCommand(context));
    submit.addSubcommand(new GenericJobCommand(context));
    return submit;
  }

  @Override
  public Integer call() {
    if (file == null) {
      throw new ParameterException(
          spec.commandLine(),
          "Expected -f FILE or one of the subcommands pytorchjob, tfjob, mpijob, job");
    }
    String text = read(file);
    String contentType =
        text.stripLeading().startsWith("{") ? "application/json" : "application/yaml";
    return submit(context, text, contentType);
  }

  private String read(String name) {
    try {
      byte[] bytes =
          name.equals("-") ? context.in().readAllBytes() : Files.readAllBytes(Path.of(name));
      String text = new String(bytes, StandardCharsets.UTF_8);
      // A byte order mark would hide the '{' of a JSON document.
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (NoSuchFileException e) {
      throw new CliException(
          ExitCodes.USAGE, "Expected a job spec file, but '" + name + "' does not exist", e);
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.ERROR, "Cannot read the job spec '" + name + "': " + e.getMessage(), e);
    }
  }

  /**
   * Submits a document built from flags and prints the job's name; with {@code dryRun}, prints the
   * document as YAML instead and sends nothing.
   */
  static Integer submitDocument(CliContext context, Object document, boolean dryRun) {
    String json = context.codec().toJson(document);
    if (dryRun) {
      context.out().print(context.codec().yaml(context.codec().tree(json)));
      return ExitCodes.OK;
    }
    return submit(context, json, "application/json");
  }

  private static Integer submit(CliContext context, String text, String contentType) {
    ApiClient client = context.client();
    String path = ApiPaths.expand(ApiPaths.JOBS, client.connection().project());
    SubmitResponse response = client.postText(path, text, contentType, SubmitResponse.class);
    context.out().println(response.name());
    // On stderr: scripts read the job's name from stdout.
    response.warnings().forEach(warning -> context.err().println("warning: " + warning));
    return ExitCodes.OK;
  }
}
