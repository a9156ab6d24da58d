package io.capstan.cli.job;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.job.JobEvent;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.JobStatus;
import io.capstan.api.job.JobView;
import io.capstan.api.job.ReplicaStatus;
import io.capstan.api.job.TrainerStatus;
import io.capstan.cli.CliContext;
import io.capstan.cli.Durations;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.OutputFormat;
import io.capstan.cli.TextTable;
import io.capstan.cli.client.ApiClient;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code capstan get NAME}: one job in detail, or its JSON or YAML. */
@Command(name = "get", description = "Show a job: status, replicas and recent events.")
public final class GetCommand implements Callable<Integer> {
  static final int SHOWN_EVENTS = 10;

  @Parameters(paramLabel = "NAME", description = "The job.")
  String name;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "json or yaml: the job as the server sent it (default: a human view).")
  OutputFormat output;

  private final CliContext context;

  public GetCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    ApiClient client = context.client();
    String answer =
        client.getText(ApiPaths.expand(ApiPaths.JOB, client.connection().project(), name));
    if (output == OutputFormat.JSON || output == OutputFormat.YAML) {
      context.printAnswer(answer, output);
    } else {
      describe(context.codec().fromJson(answer, JobView.class), context.out(), context.clock());
    }
    return ExitCodes.OK;
  }

  /** A path as each replica sees it (not a path on the server), with a hint. */
  private static String inReplica(String path, String hint) {
    return path == null ? "-" : path + " (in each replica" + hint + ")";
  }

  static void describe(JobView job, PrintStream out, Clock clock) {
    JobStatus status = job.status();
    TextTable fields = new TextTable("Name:", job.name());
    fields.row("Project:", job.project());
    if (status != null) {
      fields.row("Phase:", JobText.phase(job));
      fields.row("Reason:", JobText.orDash(status.reason()));
      fields.row("Message:", JobText.orDash(status.message()));
      fields.row("Created:", JobText.time(status.createdAt(), clock));
      fields.row("Started:", JobText.time(status.startedAt(), clock));
      fields.row("Finished:", JobText.time(status.finishedAt(), clock));
      fields.row("Restarts:", status.restarts() + restartLimit(job));
      if (job.spec() != null && job.spec().processesPerNode() > 1) {
        fields.row(
            "Processes:", job.spec().processesPerNode() + " per replica, started by torchrun");
      }
      fields.row("Checkpoint dir:", inReplica(status.checkpointDir(), ""));
      fields.row(
          "Output dir:",
          inReplica(status.outputDir(), "; collected: capstan outputs " + job.name()));
      if (!status.conditions().isEmpty()) {
        fields.row("Conditions:", JobText.conditions(status.conditions()));
      }
      if (!status.replicaStatuses().isEmpty()) {
        fields.row("Replica types:", JobText.replicaTypes(status.replicaStatuses()));
      }
      if (status.trainerStatus() != null) {
        fields.row("Progress:", progress(status.trainerStatus(), clock));
      }
    }
    fields.print(out);
    if (status == null) {
      return;
    }
    if (!status.warnings().isEmpty()) {
      out.println();
      out.println("Warnings:");
      status.warnings().forEach(w -> out.println("  - " + w));
    }
    printReplicas(status.replicas(), out);
    printEvents(job.events(), out, clock);
  }

  /** {@code 40% done, about 2m left (worker-0, 5s ago)}. */
  static String progress(TrainerStatus progress, Clock clock) {
    StringBuilder text = new StringBuilder(progress.progressPercentage() + "% done");
    if (progress.estimatedRemainingSeconds() != null) {
      text.append(", about ")
          .append(Durations.age(Duration.ofSeconds(progress.estimatedRemainingSeconds())))
          .append(" left");
    }
    return text.append(" (")
        .append(progress.replica())
        .append(", ")
        .append(JobText.time(progress.lastUpdatedTime(), clock))
        .append(")")
        .toString();
  }

  private static String restartLimit(JobView job) {
    if (job.spec() == null) {
      return "";
    }
    return job.spec().backoffLimit() == JobSpec.NO_BACKOFF_LIMIT
        ? " (no backoffLimit)"
        : " (of " + job.spec().backoffLimit() + " allowed)";
  }

  private static void printReplicas(List<ReplicaStatus> replicas, PrintStream out) {
    if (replicas.isEmpty()) {
      return;
    }
    out.println();
    TextTable table = new TextTable("REPLICA", "STATE", "EXIT", "ATTEMPT", "GPUS", "MESSAGE");
    for (ReplicaStatus replica : replicas) {
      table.row(
          replica.name(),
          replica.reason() == null
              ? replica.state()
              : replica.state() + " (" + replica.reason() + ")",
          replica.exitCode(),
          replica.attempt(),
          JobText.gpus(replica),
          JobText.orDash(replica.message()));
    }
    table.print(out);
  }

  private static void printEvents(List<JobEvent> events, PrintStream out, Clock clock) {
    if (events.isEmpty()) {
      return;
    }
    out.println();
    out.println(
        events.size() > SHOWN_EVENTS
            ? "Events (last " + SHOWN_EVENTS + " of " + events.size() + "):"
            : "Events:");
    TextTable table = new TextTable("AGE", "PHASE", "REASON", "MESSAGE");
    for (JobEvent event :
        events.subList(Math.max(0, events.size() - SHOWN_EVENTS), events.size())) {
      table.row(
          JobText.age(event.time(), clock),
          event.phase() == null ? null : event.phase().wireName(),
          JobText.orDash(event.reason()),
          JobText.orDash(event.message()));
    }
    table.print(out);
  }
}
