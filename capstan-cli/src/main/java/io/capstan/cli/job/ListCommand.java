package io.capstan.cli.job;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.job.JobStatus;
import io.capstan.api.job.JobView;
import io.capstan.cli.CliContext;
import io.capstan.cli.CliException;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.OutputFormat;
import io.capstan.cli.TextTable;
import io.capstan.cli.client.ApiClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/** {@code capstan list}: the project's jobs as a table, JSON or YAML. */
@Command(
    name = "list",
    description =
        "List the project's jobs that have not finished; with --all-phases also the finished"
            + " (Succeeded, Failed, Cancelled) ones.")
public final class ListCommand implements Callable<Integer> {
  private static final List<String> FINISHED = List.of("Succeeded", "Failed", "Cancelled");

  @Option(names = "--all-phases", description = "Also list finished jobs.")
  boolean allPhases;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "wide, json or yaml (default: a table).")
  OutputFormat output;

  private final CliContext context;

  public ListCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    ApiClient client = context.client();
    String project = client.connection().project();
    String answer = client.getText(ApiPaths.expand(ApiPaths.JOBS, project));
    JsonNode all = context.codec().tree(answer);
    if (!all.isArray()) {
      throw new CliException(
          ExitCodes.ERROR,
          "Expected the server to answer a list of jobs with a JSON array, but got "
              + all.getNodeType());
    }
    ArrayNode shown = context.codec().emptyArray();
    int hidden = 0;
    for (JsonNode job : all) {
      if (allPhases || !FINISHED.contains(job.path("status").path("phase").asString())) {
        shown.add(job);
      } else {
        hidden++;
      }
    }
    if (output == OutputFormat.JSON || output == OutputFormat.YAML) {
      context.printAnswer(context.codec().prettyJson(shown), output);
      return ExitCodes.OK;
    }
    List<JobView> jobs = new ArrayList<>();
    for (JsonNode job : shown) {
      jobs.add(context.codec().fromTree(job, JobView.class));
    }
    printTable(jobs, output == OutputFormat.WIDE);
    if (jobs.isEmpty()) {
      context
          .err()
          .println(
              "No jobs in project '"
                  + project
                  + "'"
                  + (hidden == 0 ? "" : " (" + hiddenNote(hidden) + ")")
                  + ".");
    } else if (hidden > 0) {
      context.err().println(hiddenNote(hidden) + ".");
    }
    return ExitCodes.OK;
  }

  private void printTable(List<JobView> jobs, boolean wide) {
    if (jobs.isEmpty()) {
      return;
    }
    List<String> header =
        new ArrayList<>(List.of("NAME", "PHASE", "REPLICAS", "RESTARTS", "AGE", "REASON"));
    if (wide) {
      header.addAll(List.of("FRAMEWORK", "GPUS", "MESSAGE"));
    }
    TextTable table = new TextTable(header.toArray(String[]::new));
    for (JobView job : jobs) {
      JobStatus status = job.status();
      List<Object> cells =
          new ArrayList<>(
              Arrays.asList(
                  job.name(),
                  JobText.phase(job),
                  JobText.replicas(job),
                  status == null ? 0 : status.restarts(),
                  JobText.age(status == null ? null : status.createdAt(), context.clock()),
                  status == null ? null : JobText.orDash(status.reason())));
      if (wide) {
        cells.add(job.spec() == null ? null : job.spec().framework().wireName());
        cells.add(job.spec() == null ? null : job.spec().totalResources().gpus());
        cells.add(status == null ? null : JobText.orDash(status.message()));
      }
      table.row(cells.toArray());
    }
    table.print(context.out());
  }

  private static String hiddenNote(int hidden) {
    return hidden + " finished " + (hidden == 1 ? "job" : "jobs") + " hidden; use --all-phases";
  }
}
