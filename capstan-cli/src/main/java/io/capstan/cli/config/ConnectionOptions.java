package io.capstan.cli.config;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code --url}, {@code --token} and {@code -p/--project} flags, accepted by every command
 * (inherited from the top command); null when not given.
 */
public final class ConnectionOptions {
  @Option(
      names = "--url",
      paramLabel = "URL",
      scope = ScopeType.INHERIT,
      description = "Server URL (env CAPSTAN_URL, config file; default http://localhost:7070).")
  String url;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      scope = ScopeType.INHERIT,
      description = "API token (env CAPSTAN_TOKEN, config file, local admin token).")
  String token;

  @Option(
      names = {"-p", "--project"},
      paramLabel = "PROJECT",
      scope = ScopeType.INHERIT,
      description = "Project (env CAPSTAN_PROJECT, config file; default 'default').")
  String project;

  public String url() {
    return url;
  }

  public String token() {
    return token;
  }

  public String project() {
    return project;
  }
}
