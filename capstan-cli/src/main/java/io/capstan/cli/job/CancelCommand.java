package io.capstan.cli.job;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.cli.CliContext;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.client.ApiClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code capstan cancel NAME}: stops a job; it stays listed as Cancelled. */
@Command(name = "cancel", description = "Cancel a job: stop its replicas; it stays listed.")
public final class CancelCommand implements Callable<Integer> {
  @Parameters(paramLabel = "NAME", description = "The job.")
  String name;

  private final CliContext context;

  public CancelCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    ApiClient client = context.client();
    client.post(ApiPaths.expand(ApiPaths.JOB_CANCEL, client.connection().project(), name));
    context.out().println("Cancelled job " + name);
    return ExitCodes.OK;
  }
}
