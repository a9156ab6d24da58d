package io.capstan.serving.gateway;

import io.capstan.serving.NettyTransport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * The serving gateway, and its composition root: the HTTP and gRPC proxies on Netty, the routing
 * table they read, and the feed that keeps the table up to date from the control plane. Files in
 * the state directory: {@code gateway.key} (the internal endpoint's key, written by the control
 * plane), {@code control-plane} (its URL), {@code snapshot.json} (the last snapshot, 0600) and
 * {@code ports} (written here once both proxies listen).
 */
public final class Gateway implements AutoCloseable {
  public static final String KEY_FILE = "gateway.key";
  public static final String CONTROL_PLANE_FILE = "control-plane";
  public static final String SNAPSHOT_FILE = "snapshot.json";
  public static final String PORTS_FILE = "ports";
  public static final String PID_FILE = "gateway.pid";

  private final HttpProxy http;
  private final GrpcProxy grpc;
  private final SnapshotFeed feed;

  /** Loads the kept snapshot, listens on both ports and starts following the control plane. */
  public Gateway(GatewayOptions options, PrintStream log) throws IOException, InterruptedException {
    GatewayContext.TableHolder tables = new GatewayContext.TableHolder();
    GatewayStats stats = new GatewayStats();
    GatewayContext context =
        new GatewayContext(
            tables,
            stats,
            3,
            Duration.ofSeconds(2),
            options.requestTimeout(),
            Duration.ofSeconds(2));
    Path dir = options.stateDir();
    this.feed =
        new SnapshotFeed(
            tables,
            stats,
            () ->
                options.controlPlane() != null
                    ? options.controlPlane()
                    : read(dir.resolve(CONTROL_PLANE_FILE)),
            () -> read(dir.resolve(KEY_FILE)),
            dir.resolve(SNAPSHOT_FILE),
            log);
    feed.loadKept();
    NettyTransport transport = NettyTransport.choose(options.nio());
    this.http =
        new HttpProxy(
            context, transport, options.host(), options.httpPort(), options.maxRequestBytes());
    try {
      this.grpc =
          new GrpcProxy(
              context, transport, options.host(), options.grpcPort(), options.maxRequestBytes());
    } catch (InterruptedException | RuntimeException e) {
      http.close();
      throw e;
    }
    feed.start();
    log.printf(
        "gateway listening on %s: http %d, grpc %d (%s transport)%n",
        options.host(), http.port(), grpc.port(), transport.name());
  }

  public int httpPort() {
    return http.port();
  }

  public int grpcPort() {
    return grpc.port();
  }

  /**
   * Writes {@code http=PORT\ngrpc=PORT\n} to {@code file} through a temporary file and a rename.
   */
  public void writePorts(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(
        tmp, "http=" + httpPort() + "\ngrpc=" + grpcPort() + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new IllegalStateException("Expected " + file + " to be readable, but: " + e, e);
    }
  }

  @Override
  public void close() {
    feed.close();
    http.close();
    grpc.close();
  }
}
