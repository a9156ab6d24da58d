package io.capstan.cli.identity;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.identity.CreateUserRequest;
import io.capstan.api.identity.UserView;
import io.capstan.cli.CliContext;
import io.capstan.cli.Durations;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.OutputFormat;
import io.capstan.cli.TextTable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.type.TypeReference;

/** {@code capstan user list|create}: installation admins manage users. */
@Command(name = "user", description = "List and create users (installation admins only).")
public final class UserCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final CliContext context;

  public UserCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(), "Expected one of the subcommands list, create");
  }

  @Command(name = "list", description = "List users.")
  int list(
      @Option(
              names = {"-o", "--output"},
              paramLabel = "FORMAT",
              description = "json or yaml (default: a table).")
          OutputFormat output) {
    String answer = context.client().getText(ApiPaths.USERS);
    if (output == OutputFormat.JSON || output == OutputFormat.YAML) {
      context.printAnswer(answer, output);
      return ExitCodes.OK;
    }
    List<UserView> users = context.codec().fromJson(answer, new TypeReference<List<UserView>>() {});
    TextTable table = new TextTable("NAME", "ADMIN", "AGE");
    for (UserView user : users) {
      table.row(
          user.name(),
          user.admin() ? "yes" : "no",
          user.createdAt() == null
              ? null
              : Durations.age(Duration.between(user.createdAt(), context.clock().instant())));
    }
    table.print(context.out());
    return ExitCodes.OK;
  }

  @Command(
      name = "create",
      description = "Create a user; then 'capstan token create --user NAME' gives them a token.")
  int create(
      @Parameters(paramLabel = "NAME", description = "The user's name.") String name,
      @Option(names = "--admin", description = "Make them an installation admin.") boolean admin) {
    context.client().post(ApiPaths.USERS, new CreateUserRequest(name, admin), Void.class);
    context.out().println("Created " + (admin ? "admin " : "") + "user " + name);
    return ExitCodes.OK;
  }
}
