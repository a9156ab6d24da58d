package io.capstan.cli.job;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.cli.CliContext;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.client.ApiClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code capstan delete NAME}: stops a job if it runs and forgets it, logs included. */
@Command(
    name = "delete",
    aliases = {"rm", "del"},
    description = "Delete a job (stopping it first) and its logs.")
public final class DeleteCommand implements Callable<Integer> {
  @Parameters(paramLabel = "NAME", description = "The job.")
  String name;

  private final CliContext context;

  public DeleteCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    ApiClient client = context.client();
    if (client.delete(ApiPaths.expand(ApiPaths.JOB, client.connection().project(), name))) {
      context.out().println("Deleted job " + name);
    } else {
      context
          .out()
          .println(
              "Deleting job " + name + ": its replicas are still stopping; it goes on its own");
    }
    return ExitCodes.OK;
  }
}
