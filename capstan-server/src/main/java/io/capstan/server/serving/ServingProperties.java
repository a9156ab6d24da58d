package io.capstan.server.serving;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Inference services' settings ({@code capstan.serving.*}); an absent one takes the default stated
 * here, and a bad value stops start-up with a message naming the property.
 *
 * @param gateway the serving gateway's process ({@code capstan.serving.gateway.*})
 * @param grpcHost the older name of {@code capstan.serving.gateway.host}, used when that is absent
 * @param grpcPort the gateway's gRPC port, 0 for a free one (default: the control plane's port
 *     {@code server.port} + 1, so 7071 by default and two servers on one host do not collide; see
 *     {@link #grpcPortFor})
 * @param maxRequestBytes the largest inference request the gateway takes (default 64 MiB)
 * @param requestTimeout how long the gateway waits for a replica (default 60s)
 * @param reconcileInterval how often the serving controller probes replicas and applies changes
 *     (default 1s)
 * @param scaleDownWindow the autoscaler scales down only to the highest recommendation in this
 *     window (default 5m; 0 scales down at once)
 * @param connectTimeout how long the control plane waits to connect to a replica (default 2s)
 * @param probeTimeout how long one readiness probe of a replica may take (default 500ms)
 * @param java the java command of model-server replicas and the gateway (default: the server's own)
 */
@ConfigurationProperties(prefix = "capstan.serving")
public record ServingProperties(
    Gateway gateway,
    String grpcHost,
    Integer grpcPort,
    Integer maxRequestBytes,
    Duration requestTimeout,
    Duration reconcileInterval,
    Duration scaleDownWindow,
    Duration connectTimeout,
    Duration probeTimeout,
    String java) {
  private static final String PREFIX = "capstan.serving.";

  public ServingProperties {
    gateway = gateway == null ? new Gateway(null, null, null, null, null) : gateway;
    if (gateway.host() == null) {
      gateway = gateway.withHost(grpcHost == null ? Gateway.DEFAULT_HOST : grpcHost);
    }
    maxRequestBytes = maxRequestBytes == null ? 64 * 1024 * 1024 : maxRequestBytes;
    requestTimeout = requestTimeout == null ? Duration.ofSeconds(60) : requestTimeout;
    reconcileInterval = reconcileInterval == null ? Duration.ofSeconds(1) : reconcileInterval;
    scaleDownWindow = scaleDownWindow == null ? Duration.ofMinutes(5) : scaleDownWindow;
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(2) : connectTimeout;
    probeTimeout = probeTimeout == null ? Duration.ofMillis(500) : probeTimeout;
    java = java == null || java.isBlank() ? currentJava() : java.trim();
    require(!gateway.host().isBlank(), "gateway.host", "an address", "blank");
    if (grpcPort != null) {
      requirePort("grpc-port", grpcPort);
    }
    require(maxRequestBytes > 0, "max-request-bytes", "positive", maxRequestBytes);
    requirePositive("request-timeout", requestTimeout);
    requirePositive("reconcile-interval", reconcileInterval);
    require(
        !scaleDownWindow.isNegative(),
        "scale-down-window",
        "a duration of at least 0",
        scaleDownWindow);
    requirePositive("connect-timeout", connectTimeout);
    requirePositive("probe-timeout", probeTimeout);
  }

  /** The gateway's gRPC port: as set, else {@code serverPort} + 1 (a free one when that is 0). */
  public int grpcPortFor(int serverPort) {
    return grpcPort != null ? grpcPort : following(serverPort, 1, "grpc-port");
  }

  /** A port next to the control plane's: {@code serverPort + offset}, or 0 when that is 0. */
  static int following(int serverPort, int offset, String property) {
    if (serverPort == 0) {
      return 0;
    }
    int port = serverPort + offset;
    require(
        port <= 65535,
        property,
        "set when server.port is above "
            + (65535 - offset)
            + " (its default is server.port + "
            + offset
            + ")",
        "unset");
    return port;
  }

  /**
   * The serving gateway's process ({@code capstan.serving.gateway.*}).
   *
   * @param host the address it listens on (default: {@code capstan.serving.grpc-host}, else {@code
   *     127.0.0.1})
   * @param httpPort its HTTP port, 0 for a free one (default: {@code server.port} + 2, so 7072 by
   *     default; see {@link #httpPortFor})
   * @param launch {@code auto} (the default: start or adopt the process) or {@code off} (an
   *     operator runs it)
   * @param stopWithServer whether it stops when the control plane stops (default false)
   * @param refreshInterval how often routes and grants are rebuilt for it (default 500ms)
   */
  public record Gateway(
      String host,
      Integer httpPort,
      String launch,
      Boolean stopWithServer,
      Duration refreshInterval) {
    static final String DEFAULT_HOST = "127.0.0.1";

    public Gateway {
      host = host == null ? null : host.trim();
      String given = launch;
      launch = launch == null ? "auto" : launch.trim().toLowerCase(Locale.ROOT);
      stopWithServer = stopWithServer != null && stopWithServer;
      refreshInterval = refreshInterval == null ? Duration.ofMillis(500) : refreshInterval;
      if (httpPort != null) {
        requirePort("gateway.http-port", httpPort);
      }
      if (!launch.equals("auto") && !launch.equals("off")) {
        throw new IllegalArgumentException(
            "Expected " + PREFIX + "gateway.launch to be 'auto' or 'off', but was '" + given + "'");
      }
      requirePositive("gateway.refresh-interval", refreshInterval);
    }

    /** Its HTTP port: as set, else {@code serverPort} + 2 (a free one when that is 0). */
    public int httpPortFor(int serverPort) {
      return httpPort != null ? httpPort : following(serverPort, 2, "gateway.http-port");
    }

    /** Whether the control plane starts (or adopts) the gateway's process. */
    public boolean launches() {
      return launch.equals("auto");
    }

    Gateway withHost(String newHost) {
      return new Gateway(newHost, httpPort, launch, stopWithServer, refreshInterval);
    }
  }

  /** The java command of this control plane, so replicas run on the same JDK. */
  static String currentJava() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static void requirePort(String property, int port) {
    require(port >= 0 && port <= 65535, property, "a port between 0 and 65535", port);
  }

  private static void requirePositive(String property, Duration duration) {
    require(
        !duration.isNegative() && !duration.isZero(), property, "a positive duration", duration);
  }

  private static void require(boolean valid, String property, String expected, Object actual) {
    if (!valid) {
      throw new IllegalArgumentException(
          "Expected " + PREFIX + property + " to be " + expected + ", but was " + actual);
    }
  }
}
