package io.capstan.cli.identity;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.identity.ProjectMembership;
import io.capstan.api.identity.WhoAmI;
import io.capstan.cli.CliContext;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.TextTable;
import io.capstan.cli.client.ApiClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code capstan whoami}: the caller as the server sees them, and their projects. */
@Command(name = "whoami", description = "Show who you are on the server and your projects.")
public final class WhoAmICommand implements Callable<Integer> {
  private final CliContext context;

  public WhoAmICommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    ApiClient client = context.client();
    WhoAmI me = client.get(ApiPaths.WHOAMI, WhoAmI.class);
    TextTable fields = new TextTable("User:", me.user());
    fields.row("Admin:", me.admin() ? "yes" : "no");
    fields.row("Server:", client.connection().url());
    fields.row("Project:", client.connection().project());
    fields.print(context.out());
    if (!me.projects().isEmpty()) {
      context.out().println();
      TextTable projects = new TextTable("PROJECT", "ROLE");
      for (ProjectMembership membership : me.projects()) {
        projects.row(
            membership.project(), membership.role() == null ? null : membership.role().wireName());
      }
      projects.print(context.out());
    }
    return ExitCodes.OK;
  }
}
