package io.capstan.cli;

import static java.util.Objects.requireNonNull;

import io.capstan.cli.client.ApiClient;
import io.capstan.cli.client.Connection;
import io.capstan.cli.client.WireCodec;
import io.capstan.cli.config.ConfigFile;
import io.capstan.cli.config.ConnectionOptions;
import io.capstan.cli.config.ConnectionResolver;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import tools.jackson.databind.JsonNode;

/**
 * What every command of one run needs: the streams, the clock, the connection flags as parsed, and
 * from them the resolved connection and an API client.
 */
public final class CliContext {
  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;
  private final Clock clock;
  private final WireCodec codec;
  private final ConfigFile configFile;
  private final ConnectionResolver resolver;
  private final ConnectionOptions flags;

  CliContext(
      InputStream in,
      PrintStream out,
      PrintStream err,
      Clock clock,
      WireCodec codec,
      ConfigFile configFile,
      ConnectionResolver resolver,
      ConnectionOptions flags) {
    this.in = requireNonNull(in, "in is null");
    this.out = requireNonNull(out, "out is null");
    this.err = requireNonNull(err, "err is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.codec = requireNonNull(codec, "codec is null");
    this.configFile = requireNonNull(configFile, "configFile is null");
    this.resolver = requireNonNull(resolver, "resolver is null");
    this.flags = requireNonNull(flags, "flags is null");
  }

  public InputStream in() {
    return in;
  }

  public PrintStream out() {
    return out;
  }

  public PrintStream err() {
    return err;
  }

  public Clock clock() {
    return clock;
  }

  public WireCodec codec() {
    return codec;
  }

  public ConfigFile configFile() {
    return configFile;
  }

  /** The {@code --url}, {@code --token} and {@code --project} flags as given (null when absent). */
  public ConnectionOptions flags() {
    return flags;
  }

  /** The value of the CLI's environment variable {@code name}, or null. */
  public String env(String name) {
    return resolver.env(name);
  }

  /** Url, token and project from flags, environment, config file and defaults. */
  public Connection connection() {
    return resolver.resolve(flags);
  }

  public ApiClient client() {
    return client(connection());
  }

  /**
   * Prints a JSON answer as the server sent it: pretty JSON, or the same content as YAML. Parsed as
   * a tree, so fields this CLI does not know are kept.
   */
  public void printAnswer(String json, OutputFormat format) {
    JsonNode tree = codec.tree(json);
    out.print(format == OutputFormat.YAML ? codec.yaml(tree) : codec.prettyJson(tree) + "\n");
    out.flush();
  }

  public ApiClient client(Connection connection) {
    return new ApiClient(connection, codec);
  }
}
