package io.capstan.cli.job;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.job.JobOutputsView;
import io.capstan.api.job.JobPhase;
import io.capstan.api.job.JobView;
import io.capstan.cli.CliContext;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.OutputFormat;
import io.capstan.cli.TextTable;
import io.capstan.cli.client.ApiClient;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code capstan outputs NAME}: the files a succeeded job left in {@code /capstan/output}, as the
 * control plane collected them into its artifact store, and those it left out, with why.
 */
@Command(
    name = "outputs",
    description =
        "List the files a succeeded job wrote to its output directory (collected into the"
            + " artifact store): path, size, SHA-256.")
public final class OutputsCommand implements Callable<Integer> {
  @Parameters(paramLabel = "NAME", description = "The job.")
  String name;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "json or yaml: the list as the server sent it (default: a table).")
  OutputFormat output;

  private final CliContext context;

  public OutputsCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    ApiClient client = context.client();
    String answer =
        client.getText(ApiPaths.expand(ApiPaths.JOB_OUTPUTS, client.connection().project(), name));
    if (output == OutputFormat.JSON || output == OutputFormat.YAML) {
      context.printAnswer(answer, output);
    } else {
      JobOutputsView outputs = context.codec().fromJson(answer, JobOutputsView.class);
      if (outputs.collected()) {
        describe(outputs, context.out());
      } else {
        context.out().println(notCollected(client));
      }
    }
    return ExitCodes.OK;
  }

  /** Why a job has no collected outputs, in the words that fit its phase. */
  private String notCollected(ApiClient client) {
    JobView job =
        context
            .codec()
            .fromJson(
                client.getText(ApiPaths.expand(ApiPaths.JOB, client.connection().project(), name)),
                JobView.class);
    if (job.status().phase() == JobPhase.SUCCEEDED) {
      return "Job "
          + name
          + " succeeded, but its outputs are not collected: they are being copied now (capstan"
          + " wait "
          + name
          + " returns once they are), or it finished under a version of Capstan that did not"
          + " collect outputs (see the upgrade notes in docs/operations.md)";
    }
    return "Job "
        + name
        + " has no collected outputs: they are collected when it succeeds, and it is "
        + job.status().phase().wireName()
        + " (see capstan get "
        + name
        + ")";
  }

  static void describe(JobOutputsView outputs, PrintStream out) {
    if (outputs.files().isEmpty()) {
      out.println("The job left no files in /capstan/output");
    } else {
      TextTable table = new TextTable("PATH", "BYTES", "SHA256");
      for (JobOutputsView.File file : outputs.files()) {
        table.row(file.path(), file.sizeBytes(), file.sha256());
      }
      table.print(out);
    }
    if (!outputs.notCollected().isEmpty()) {
      out.println();
      out.println("Not collected:");
      for (JobOutputsView.Skipped skipped : outputs.notCollected()) {
        out.println("  - " + skipped.path() + ": " + skipped.reason());
      }
    }
  }
}
