package io.capstan.serving.gateway;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What the gateway is started with ({@code capstan gateway}; see {@link #parse}).
 *
 * @param stateDir its files (key, control plane URL, kept snapshot, ports, pid)
 * @param controlPlane the control plane's base URL, or null to read it from {@code
 *     stateDir/control-plane} (which the control plane writes at every start)
 * @param exitWith the pid of a process whose end ends the gateway too, or 0 for none (a control
 *     plane started with {@code stop-with-server}: the gateway goes even when it is SIGKILLed)
 */
public record GatewayOptions(
    Path stateDir,
    String host,
    int httpPort,
    int grpcPort,
    String controlPlane,
    int maxRequestBytes,
    Duration requestTimeout,
    boolean nio,
    long exitWith) {
  public static final String USAGE =
      "usage: capstan gateway --state-dir DIR [--host 127.0.0.1] [--http-port 7072]"
          + " [--grpc-port 7071] [--control-plane URL] [--max-request-bytes 67108864]"
          + " [--request-timeout-seconds 60] [--nio] [--exit-with PID]";

  public GatewayOptions {
    requireNonNull(stateDir, "stateDir is null");
    requireNonNull(host, "host is null");
    requireNonNull(requestTimeout, "requestTimeout is null");
  }

  /** Parses the flags; a bad one is an {@link IllegalArgumentException} naming it. */
  public static GatewayOptions parse(String... args) {
    Path stateDir = null;
    String host = "127.0.0.1";
    int http = 7072;
    int grpc = 7071;
    String controlPlane = null;
    int maxBytes = 64 * 1024 * 1024;
    int timeout = 60;
    boolean nio = false;
    long exitWith = 0;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--nio")) {
        nio = true;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(
            flag + ": expected a value, but it was the last argument");
      }
      String value = args[++i];
      switch (flag) {
        case "--state-dir" -> stateDir = Path.of(value);
        case "--host" -> host = value;
        case "--http-port" -> http = port(flag, value);
        case "--grpc-port" -> grpc = port(flag, value);
        case "--control-plane" -> controlPlane = value;
        case "--max-request-bytes" -> maxBytes = positive(flag, value);
        case "--request-timeout-seconds" -> timeout = positive(flag, value);
        case "--exit-with" -> exitWith = positive(flag, value);
        default -> throw new IllegalArgumentException("unknown flag '" + flag + "'");
      }
    }
    if (stateDir == null) {
      throw new IllegalArgumentException("--state-dir: expected a directory, but none was given");
    }
    return new GatewayOptions(
        stateDir,
        host,
        http,
        grpc,
        controlPlane,
        maxBytes,
        Duration.ofSeconds(timeout),
        nio,
        exitWith);
  }

  private static int port(String flag, String value) {
    int port = integer(flag, value);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          flag + ": expected a port from 0 to 65535, but was " + value);
    }
    return port;
  }

  private static int positive(String flag, String value) {
    int n = integer(flag, value);
    if (n <= 0) {
      throw new IllegalArgumentException(flag + ": expected a positive number, but was " + value);
    }
    return n;
  }

  private static int integer(String flag, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + ": expected a number, but was '" + value + "'", e);
    }
  }
}
