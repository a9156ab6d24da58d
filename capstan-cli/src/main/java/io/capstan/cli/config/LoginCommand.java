package io.capstan.cli.config;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.identity.WhoAmI;
import io.capstan.cli.CliContext;
import io.capstan.cli.CliException;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.client.Connection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code capstan login --url URL --token T}: checks the token with the server, then saves url and
 * token (and the project, when {@code -p} is given) in the config file.
 */
@Command(
    name = "login",
    description =
        "Check --url and --token with the server and save them in the config file"
            + " ($CAPSTAN_CONFIG or ~/.config/capstan/config.json, mode 0600).")
public final class LoginCommand implements Callable<Integer> {
  private final CliContext context;

  public LoginCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    Connection connection = context.connection();
    if (connection.token() == null) {
      throw CliException.usage(
          "Expected a token: pass --token TOKEN (an admin creates one with 'capstan token create"
              + " --user NAME')");
    }
    WhoAmI me = context.client(connection).get(ApiPaths.WHOAMI, WhoAmI.class);
    ConfigFile file = context.configFile();
    SavedConfig previous = file.load().orElse(SavedConfig.EMPTY);
    String project =
        context.flags().project() != null ? context.flags().project() : previous.project();
    file.save(new SavedConfig(connection.url(), connection.token(), project));
    context.out().println("Logged in to " + connection.url() + " as " + me.user());
    return ExitCodes.OK;
  }
}
