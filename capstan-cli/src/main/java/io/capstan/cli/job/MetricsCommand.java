package io.capstan.cli.job;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.job.JobMetricsView;
import io.capstan.api.job.JobView;
import io.capstan.cli.CliContext;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.OutputFormat;
import io.capstan.cli.TextTable;
import io.capstan.cli.client.ApiClient;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code capstan metrics NAME [--follow]}: the latest value of every metric the job's replicas
 * reported (printed as {@code name=value}, written to {@code CAPSTAN_METRICS_FILE} or to
 * TensorBoard event files); with {@code --follow}, each new value as it comes, until the job ends.
 */
@Command(
    name = "metrics",
    description =
        "Show a job's training metrics: the latest value of each metric its replicas"
            + " printed (accuracy=0.91, as Katib reads them), wrote to CAPSTAN_METRICS_FILE"
            + " (the capstan_metrics Python helper) or to TensorBoard event files in"
            + " CAPSTAN_TENSORBOARD_DIR.")
public final class MetricsCommand implements Callable<Integer> {
  @Parameters(paramLabel = "NAME", description = "The job.")
  String name;

  @Option(
      names = {"-f", "--follow"},
      description = "Print each new value as it comes, until the job ends.")
  boolean follow;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "json or yaml: the metrics as the server sent them (default: a table).")
  OutputFormat output;

  private final CliContext context;

  public MetricsCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() throws InterruptedException {
    ApiClient client = context.client();
    String path = ApiPaths.expand(ApiPaths.JOB_METRICS, client.connection().project(), name);
    if (!follow) {
      String answer = client.getText(path);
      if (output == OutputFormat.JSON || output == OutputFormat.YAML) {
        context.printAnswer(answer, output);
        return ExitCodes.OK;
      }
      JobMetricsView metrics = context.codec().fromJson(answer, JobMetricsView.class);
      if (metrics.metrics().isEmpty()) {
        context
            .out()
            .println(
                "Job "
                    + name
                    + " has reported no metrics yet (lines such as 'epoch=1 accuracy=0.91',"
                    + " or report(step=1, accuracy=0.91) of the capstan_metrics helper)");
        printSkipped(metrics);
        return ExitCodes.OK;
      }
      TextTable table = new TextTable("NAME", "REPLICA", "STEP", "VALUE", "POINTS", "TIME");
      for (JobMetricsView.Latest m : metrics.metrics()) {
        table.row(m.name(), m.replica(), m.step(), m.value(), m.points(), m.time());
      }
      table.print(context.out());
      printSkipped(metrics);
      return ExitCodes.OK;
    }
    Map<String, Long> seen = new HashMap<>();
    while (true) {
      JobMetricsView metrics = context.codec().fromJson(client.getText(path), JobMetricsView.class);
      for (JobMetricsView.Latest m : metrics.metrics()) {
        String key = m.name() + "\u0000" + m.replica();
        if (!Long.valueOf(m.points()).equals(seen.put(key, m.points()))) {
          context
              .out()
              .println(
                  m.time()
                      + " "
                      + m.replica()
                      + " step "
                      + m.step()
                      + " "
                      + m.name()
                      + "="
                      + m.value());
        }
      }
      if (finished(client)) {
        return ExitCodes.OK;
      }
      Thread.sleep(2_000);
    }
  }

  private void printSkipped(JobMetricsView metrics) {
    if (metrics.skipped() > 0) {
      context
          .out()
          .println(
              metrics.skipped()
                  + " malformed line(s) or record(s) of the job's metric files were skipped");
    }
  }

  private boolean finished(ApiClient client) {
    JobView job =
        context
            .codec()
            .fromJson(
                client.getText(ApiPaths.expand(ApiPaths.JOB, client.connection().project(), name)),
                JobView.class);
    return job.status().phase().isTerminal();
  }
}
