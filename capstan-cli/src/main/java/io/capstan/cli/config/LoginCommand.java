package io.capstan.cli.config;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.identity.OidcSettings;
import io.capstan.api.identity.OidcTokenRequest;
import io.capstan.api.identity.SessionView;
import io.capstan.api.identity.WhoAmI;
import io.capstan.cli.CliContext;
import io.capstan.cli.CliException;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.client.ApiClient;
import io.capstan.cli.client.Connection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code capstan login --url URL --token T}: checks the token with the server, then saves url and
 * token (and the project, when {@code -p} is given) in the config file. {@code capstan login
 * --oidc} signs in through the server's identity provider instead (a browser, or {@code --device}
 * without one) and saves the Capstan token the server gives for the provider's ID token.
 */
@Command(
    name = "login",
    description =
        "Check --url and --token with the server, or sign in with the identity provider (--oidc),"
            + " and save url and token in the config file ($CAPSTAN_CONFIG or"
            + " ~/.config/capstan/config.json, mode 0600).")
public final class LoginCommand implements Callable<Integer> {
  private final CliContext context;

  @Option(
      names = "--oidc",
      description =
          "Sign in with the server's identity provider (OpenID Connect) in a browser; the token"
              + " saved expires (the server's capstan.oidc.cli-token-lifetime).")
  boolean oidc;

  @Option(
      names = "--device",
      description =
          "With --oidc: no browser on this machine; show a code to enter on another device"
              + " (device authorization grant).")
  boolean device;

  @Option(
      names = "--no-browser",
      description = "With --oidc: only print the sign-in URL, do not try to open a browser.")
  boolean noBrowser;

  public LoginCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    if (oidc) {
      return signIn();
    }
    if (device) {
      throw CliException.usage("Expected --device together with --oidc, but --oidc was missing");
    }
    Connection connection = context.connection();
    if (connection.token() == null) {
      throw CliException.usage(
          "Expected a token: pass --token TOKEN (an admin creates one with 'capstan token create"
              + " --user NAME'), or sign in with --oidc");
    }
    WhoAmI me = context.client(connection).get(ApiPaths.WHOAMI, WhoAmI.class);
    save(connection.url(), connection.token());
    context.out().println("Logged in to " + connection.url() + " as " + me.user());
    return ExitCodes.OK;
  }

  private int signIn() {
    if (context.flags().token() != null) {
      throw CliException.usage(
          "Expected either --token or --oidc, but both were given; --oidc gets its own token");
    }
    Connection resolved = context.connection();
    // No token on these calls: the settings and the exchange are open, and a token saved for
    // another user must not go along with them.
    ApiClient open = context.client(new Connection(resolved.url(), null, resolved.project()));
    OidcSettings settings = open.get(ApiPaths.AUTH_OIDC, OidcSettings.class);
    OidcLogin login = new OidcLogin(settings, context.codec(), context.out());
    OidcLogin.Result result = device ? login.device() : login.browser(!noBrowser);
    SessionView session =
        open.post(
            ApiPaths.AUTH_OIDC_TOKEN,
            new OidcTokenRequest(result.idToken(), result.nonce()),
            SessionView.class);
    save(resolved.url(), session.token());
    context
        .out()
        .println(
            "Logged in to "
                + resolved.url()
                + " as "
                + session.user()
                + " through "
                + settings.issuer()
                + "; the token expires at "
                + session.expiresAt());
    return ExitCodes.OK;
  }

  private void save(String url, String token) {
    ConfigFile file = context.configFile();
    SavedConfig previous = file.load().orElse(SavedConfig.EMPTY);
    String project =
        context.flags().project() != null ? context.flags().project() : previous.project();
    file.save(new SavedConfig(url, token, project));
  }
}
