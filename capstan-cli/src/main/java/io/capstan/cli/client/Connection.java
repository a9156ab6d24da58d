package io.capstan.cli.client;

import static java.util.Objects.requireNonNull;

/**
 * Where and as whom the CLI talks to the server, and the project its job commands act on.
 *
 * @param url the server's base URL, without a trailing slash
 * @param token the bearer token, or null when none was found (the server then answers 401)
 * @param project the project of job commands
 */
public record Connection(String url, String token, String project) {
  public Connection {
    requireNonNull(url, "url is null");
    requireNonNull(project, "project is null");
  }

  /** Never shows the token, so that a stray log line cannot leak it. */
  @Override
  public String toString() {
    return "Connection[url="
        + url
        + ", token="
        + (token == null ? "none" : "***")
        + ", project="
        + project
        + "]";
  }
}
