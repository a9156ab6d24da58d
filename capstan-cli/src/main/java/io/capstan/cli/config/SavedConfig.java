package io.capstan.cli.config;

/**
 * What {@code capstan login} saves in the config file; every field may be null.
 *
 * @param url the server's base URL
 * @param token the bearer token
 * @param project the default project
 */
public record SavedConfig(String url, String token, String project) {
  public static final SavedConfig EMPTY = new SavedConfig(null, null, null);

  /** Never shows the token. */
  @Override
  public String toString() {
    return "SavedConfig[url="
        + url
        + ", token="
        + (token == null ? "none" : "***")
        + ", project="
        + project
        + "]";
  }
}
