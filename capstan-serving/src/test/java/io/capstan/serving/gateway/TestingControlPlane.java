package io.capstan.serving.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.capstan.api.gateway.GatewayReport;
import io.capstan.api.gateway.GatewaySnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stand-in for the control plane's internal endpoint, on a free loopback port: serves the
 * snapshot a test sets (long-polled as the real one is) and keeps the reports the gateway posts.
 * Writes the gateway's key and its own URL into the state directory, as the control plane does.
 */
final class TestingControlPlane implements AutoCloseable {
  static final String KEY = "test-gateway-key";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<GatewayReport> reports = new CopyOnWriteArrayList<>();
  private GatewaySnapshot snapshot;

  TestingControlPlane(Path stateDir, GatewaySnapshot first) {
    this.snapshot = first;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(SnapshotFeed.SNAPSHOT_PATH, this::snapshot);
      server.createContext(SnapshotFeed.REPORT_PATH, this::report);
      server.setExecutor(threads);
      server.start();
      Files.createDirectories(stateDir);
      Files.writeString(stateDir.resolve(Gateway.KEY_FILE), KEY + "\n");
      Files.writeString(
          stateDir.resolve(Gateway.CONTROL_PLANE_FILE),
          "http://127.0.0.1:" + server.getAddress().getPort() + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  synchronized void publish(GatewaySnapshot next) {
    snapshot = next;
    notifyAll();
  }

  List<GatewayReport> reports() {
    return reports;
  }

  private void snapshot(HttpExchange exchange) throws IOException {
    if (!authorized(exchange)) {
      return;
    }
    String query = exchange.getRequestURI().getQuery();
    String after = query == null ? "" : query.substring(query.indexOf('=') + 1);
    GatewaySnapshot answer;
    synchronized (this) {
      if (snapshot.version().equals(after)) {
        try {
          wait(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      answer = snapshot.version().equals(after) ? null : snapshot;
    }
    if (answer == null) {
      exchange.sendResponseHeaders(204, -1);
    } else {
      byte[] body = JSON.writeValueAsBytes(answer);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
    exchange.close();
  }

  private void report(HttpExchange exchange) throws IOException {
    if (!authorized(exchange)) {
      return;
    }
    reports.add(JSON.readValue(exchange.getRequestBody().readAllBytes(), GatewayReport.class));
    exchange.sendResponseHeaders(204, -1);
    exchange.close();
  }

  private static boolean authorized(HttpExchange exchange) throws IOException {
    if (("Bearer " + KEY).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      return true;
    }
    byte[] body = "{\"error\":\"bad key\"}".getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(401, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
    return false;
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
