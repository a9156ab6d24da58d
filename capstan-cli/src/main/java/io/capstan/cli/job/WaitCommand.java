package io.capstan.cli.job;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.job.JobOutputsView;
import io.capstan.api.job.JobPhase;
import io.capstan.api.job.JobStatus;
import io.capstan.api.job.JobView;
import io.capstan.cli.CliContext;
import io.capstan.cli.CliException;
import io.capstan.cli.Durations;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.client.ApiClient;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code capstan wait NAME}: polls the job until it finishes; exits 0 only when it succeeded, 1
 * when it failed or was cancelled, 124 on timeout. A succeeded job is waited for until its outputs
 * are collected into the artifact store, so that {@code capstan outputs} and {@code capstan model
 * register --from-job} find them right after.
 */
@Command(
    name = "wait",
    description =
        "Wait until a job finishes and print its final phase and reason. Exits 0 when it"
            + " succeeded, 1 when it failed or was cancelled, 124 on timeout.")
public final class WaitCommand implements Callable<Integer> {
  @Parameters(paramLabel = "NAME", description = "The job.")
  String name;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description = "Give up after this long, e.g. 30s, 10m, 2h (default: wait for ever).")
  Duration timeout;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      defaultValue = "1s",
      description = "Time between polls (default: ${DEFAULT-VALUE}).")
  Duration interval;

  private final CliContext context;

  public WaitCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() throws InterruptedException {
    if (interval.isZero() || interval.isNegative()) {
      throw CliException.usage("Expected --interval to be positive, but was " + interval);
    }
    ApiClient client = context.client();
    String path = ApiPaths.expand(ApiPaths.JOB, client.connection().project(), name);
    String outputs = ApiPaths.expand(ApiPaths.JOB_OUTPUTS, client.connection().project(), name);
    Instant deadline = timeout == null ? null : context.clock().instant().plus(timeout);
    JobView finished = null;
    while (true) {
      if (finished == null) {
        JobView job = client.get(path, JobView.class);
        JobStatus status = job.status();
        if (status != null && status.phase() != null && status.phase().isTerminal()) {
          if (status.phase() != JobPhase.SUCCEEDED) {
            context.out().println(summary(job));
            return ExitCodes.ERROR;
          }
          finished = job;
        } else {
          pause(deadline, "to finish; it is " + JobText.phase(job));
          continue;
        }
      }
      if (client.get(outputs, JobOutputsView.class).collected()) {
        context.out().println(summary(finished));
        return ExitCodes.OK;
      }
      pause(deadline, "to have its outputs collected; it succeeded");
    }
  }

  /** Sleeps one interval, or until the deadline; past it, times out saying what it waited for. */
  private void pause(Instant deadline, String waitingFor) throws InterruptedException {
    Instant now = context.clock().instant();
    if (deadline != null && !now.isBefore(deadline)) {
      throw new CliException(
          ExitCodes.TIMEOUT,
          "Timed out after "
              + Durations.format(timeout)
              + " waiting for job '"
              + name
              + "' "
              + waitingFor);
    }
    Duration pause =
        deadline == null || interval.compareTo(Duration.between(now, deadline)) < 0
            ? interval
            : Duration.between(now, deadline);
    Thread.sleep(Math.max(1, pause.toMillis()));
  }

  /** {@code train-a Failed: ReplicaFailed: worker-1 exited with code 1}. */
  private static String summary(JobView job) {
    JobStatus status = job.status();
    StringBuilder line = new StringBuilder(job.name()).append(' ').append(JobText.phase(job));
    if (status.reason() != null
        && !status.reason().isEmpty()
        && !status.reason().equals(JobText.phase(job))) {
      line.append(": ").append(status.reason());
    }
    if (status.message() != null && !status.message().isEmpty()) {
      line.append(": ").append(status.message());
    }
    return line.toString();
  }
}
