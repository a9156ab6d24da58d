package io.capstan.cli.identity;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.identity.CreateTokenRequest;
import io.capstan.api.identity.TokenView;
import io.capstan.api.identity.WhoAmI;
import io.capstan.cli.CliContext;
import io.capstan.cli.CliException;
import io.capstan.cli.Durations;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.TextTable;
import io.capstan.cli.client.ApiClient;
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

/** {@code capstan token create|list|delete}: API tokens of a user, by default the caller. */
@Command(name = "token", description = "Create, list and delete API tokens.")
public final class TokenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final CliContext context;

  public TokenCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(), "Expected one of the subcommands create, list, delete");
  }

  @Command(
      name = "create",
      description = "Create a token and print its secret; the server shows it only this once.")
  int create(
      @Option(names = "--user", paramLabel = "USER", description = "Whose (default: you).")
          String user,
      @Option(names = "--name", paramLabel = "NAME", description = "A label, e.g. laptop.")
          String name) {
    ApiClient client = context.client();
    String owner = owner(client, user);
    TokenView token =
        client.post(
            ApiPaths.expand(ApiPaths.USER_TOKENS, owner),
            new CreateTokenRequest(name),
            TokenView.class);
    if (token.token() == null) {
      throw new CliException(
          ExitCodes.ERROR,
          "Expected the server to answer with the new token's secret, but it had none (token id "
              + token.id()
              + ")");
    }
    context.out().println(token.token());
    context
        .err()
        .println(
            "Created token " + token.id() + " for " + owner + "; its secret is shown only once.");
    return ExitCodes.OK;
  }

  @Command(name = "list", description = "List tokens (their ids and names, not their secrets).")
  int list(
      @Option(names = "--user", paramLabel = "USER", description = "Whose (default: you).")
          String user) {
    ApiClient client = context.client();
    List<TokenView> tokens =
        client.get(
            ApiPaths.expand(ApiPaths.USER_TOKENS, owner(client, user)),
            new TypeReference<List<TokenView>>() {});
    TextTable table = new TextTable("ID", "NAME", "USER", "AGE");
    for (TokenView token : tokens) {
      table.row(
          token.id(),
          token.name(),
          token.user(),
          token.createdAt() == null
              ? null
              : Durations.age(Duration.between(token.createdAt(), context.clock().instant())));
    }
    table.print(context.out());
    return ExitCodes.OK;
  }

  @Command(name = "delete", description = "Delete a token; requests with it then fail.")
  int delete(
      @Parameters(paramLabel = "ID", description = "The token's id.") String id,
      @Option(names = "--user", paramLabel = "USER", description = "Whose (default: you).")
          String user) {
    ApiClient client = context.client();
    client.delete(ApiPaths.expand(ApiPaths.USER_TOKEN, owner(client, user), id));
    context.out().println("Deleted token " + id);
    return ExitCodes.OK;
  }

  private static String owner(ApiClient client, String user) {
    return user != null ? user : client.get(ApiPaths.WHOAMI, WhoAmI.class).user();
  }
}
