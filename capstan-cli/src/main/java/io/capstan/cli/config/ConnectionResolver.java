package io.capstan.cli.config;

import static java.util.Objects.requireNonNull;

import io.capstan.cli.CliException;
import io.capstan.cli.client.Connection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Resolves url, token and project: flags, then the environment ({@code CAPSTAN_URL}, {@code
 * CAPSTAN_TOKEN}, {@code CAPSTAN_PROJECT}), then the config file, then defaults. The last fallback
 * for the token is the local admin's {@code admin.token} in the server's data directory ({@code
 * $CAPSTAN_DATA_DIR} or {@code ~/.capstan}), used only for a server on this machine so that it is
 * never sent elsewhere.
 */
public final class ConnectionResolver {
  public static final String DEFAULT_URL = "http://localhost:7070";
  public static final String DEFAULT_PROJECT = "default";
  static final String URL_ENV = "CAPSTAN_URL";
  static final String TOKEN_ENV = "CAPSTAN_TOKEN";
  static final String PROJECT_ENV = "CAPSTAN_PROJECT";
  static final String DATA_DIR_ENV = "CAPSTAN_DATA_DIR";
  static final String ADMIN_TOKEN_FILE = "admin.token";

  private final Map<String, String> env;
  private final ConfigFile configFile;
  private final Path home;

  /** The value of environment variable {@code name}, or null. */
  public String env(String name) {
    return env.get(name);
  }

  public ConnectionResolver(Map<String, String> env, ConfigFile configFile, Path home) {
    this.env = Map.copyOf(requireNonNull(env, "env is null"));
    this.configFile = requireNonNull(configFile, "configFile is null");
    this.home = requireNonNull(home, "home is null");
  }

  public Connection resolve(ConnectionOptions flags) {
    SavedConfig saved = configFile.load().orElse(SavedConfig.EMPTY);
    String url = stripSlashes(first(flags.url(), env.get(URL_ENV), saved.url(), DEFAULT_URL));
    checkUrl(url);
    String project = first(flags.project(), env.get(PROJECT_ENV), saved.project(), DEFAULT_PROJECT);
    String token = first(flags.token(), env.get(TOKEN_ENV), saved.token(), null);
    if (token == null && isLoopback(url)) {
      token = localAdminToken();
    }
    return new Connection(url, token, project);
  }

  /** The local admin's token file: {@code $CAPSTAN_DATA_DIR/admin.token} or {@code ~/.capstan/}. */
  Path adminTokenFile() {
    String dataDir = env.get(DATA_DIR_ENV);
    Path dir = dataDir == null || dataDir.isBlank() ? home.resolve(".capstan") : Path.of(dataDir);
    return dir.resolve(ADMIN_TOKEN_FILE);
  }

  private String localAdminToken() {
    Path file = adminTokenFile();
    if (!Files.isReadable(file)) {
      return null;
    }
    try {
      String token = Files.readString(file, StandardCharsets.UTF_8).strip();
      return token.isEmpty() ? null : token;
    } catch (IOException e) {
      // Unreadable after all (a race with the server rewriting it): behave as if absent, the
      // server's 401 then says what to do.
      return null;
    }
  }

  private static String first(String... values) {
    return Stream.of(values).filter(v -> v != null && !v.isBlank()).findFirst().orElse(null);
  }

  private static String stripSlashes(String url) {
    String result = url.strip();
    while (result.endsWith("/")) {
      result = result.substring(0, result.length() - 1);
    }
    return result;
  }

  private static void checkUrl(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null
        || uri.getHost() == null
        || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      throw CliException.usage(
          "Expected a server URL such as http://localhost:7070, but was '" + url + "'");
    }
  }

  private static boolean isLoopback(String url) {
    String host = URI.create(url).getHost();
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      // Only literal addresses reach here without a lookup; names other than localhost are not
      // resolved, so the admin token never follows a DNS answer.
      return host.matches("[0-9.]+|\\[[0-9a-fA-F:.]+\\]")
          && InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
