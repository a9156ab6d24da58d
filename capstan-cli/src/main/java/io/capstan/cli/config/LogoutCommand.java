package io.capstan.cli.config;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.cli.CliContext;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.client.Connection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code capstan logout}: removes the saved token from the config file; a token of {@code capstan
 * login --oidc} is ended on the server first. An API token is only forgotten here, not deleted
 * ({@code capstan token delete} does that).
 */
@Command(
    name = "logout",
    description =
        "Forget the token saved by 'capstan login'; a token of 'login --oidc' is also ended on"
            + " the server.")
public final class LogoutCommand implements Callable<Integer> {
  /** The prefix of the server's sign-in session tokens. */
  private static final String SESSION_PREFIX = "capsess_";

  private final CliContext context;

  public LogoutCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    ConfigFile file = context.configFile();
    SavedConfig saved = file.load().orElse(SavedConfig.EMPTY);
    if (saved.token() == null) {
      context.out().println("No token is saved in " + file.path());
      return ExitCodes.OK;
    }
    boolean ended = false;
    if (saved.token().startsWith(SESSION_PREFIX) && saved.url() != null) {
      context
          .client(new Connection(saved.url(), saved.token(), ConnectionResolver.DEFAULT_PROJECT))
          .post(ApiPaths.LOGOUT);
      ended = true;
    }
    file.save(new SavedConfig(saved.url(), null, saved.project()));
    context
        .out()
        .println(
            "Logged out"
                + (saved.url() == null ? "" : " of " + saved.url())
                + (ended ? "; the server ended the session" : "; the API token still exists"));
    return ExitCodes.OK;
  }
}
