package io.capstan.serving.gateway;

import io.capstan.api.gateway.GatewayReport;
import io.capstan.api.gateway.GatewaySnapshot;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's line to the control plane: long-polls the internal endpoint for a new snapshot (the
 * control plane answers as soon as routes or grants change, or after its hold time), installs it
 * and keeps it on disk (0600) for a gateway that starts while the control plane is away; and
 * reports the load it saw every second. When the control plane does not answer, the gateway keeps
 * serving with the last snapshot and tries again every half second.
 */
final class SnapshotFeed implements AutoCloseable {
  static final String SNAPSHOT_PATH = "/internal/v1/gateway/snapshot";
  static final String REPORT_PATH = "/internal/v1/gateway/report";
  static final Duration RETRY = Duration.ofMillis(500);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final GatewayContext.TableHolder tables;
  private final GatewayStats stats;
  private final Supplier<String> controlPlane;
  private final Supplier<String> key;
  private final Path file;
  private final PrintStream log;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final Thread poller;
  private final Thread reporter;
  private volatile boolean running = true;
  private boolean reachable = true;

  /**
   * @param controlPlane the control plane's base URL, read again before every call (it may move on
   *     a restart)
   * @param key the internal endpoint's key, read again before every call
   * @param file where the last snapshot is kept
   */
  SnapshotFeed(
      GatewayContext.TableHolder tables,
      GatewayStats stats,
      Supplier<String> controlPlane,
      Supplier<String> key,
      Path file,
      PrintStream log) {
    this.tables = tables;
    this.stats = stats;
    this.controlPlane = controlPlane;
    this.key = key;
    this.file = file;
    this.log = log;
    this.poller = new Thread(this::poll, "gateway-snapshots");
    this.reporter = new Thread(this::report, "gateway-reports");
    poller.setDaemon(true);
    reporter.setDaemon(true);
  }

  /** Installs the snapshot kept on disk, if there is one. */
  void loadKept() throws IOException {
    try {
      GatewaySnapshot kept = JSON.readValue(Files.readAllBytes(file), GatewaySnapshot.class);
      tables.set(RoutingTable.of(kept, tables.get()));
      log.printf(
          "gateway: serving with the kept snapshot %s (%d services)%n",
          kept.version(), kept.services().size());
    } catch (NoSuchFileException e) {
      // first start: nothing to serve until the control plane answers
    }
  }

  void start() {
    poller.start();
    reporter.start();
  }

  private void poll() {
    while (running) {
      try {
        String after = URLEncoder.encode(tables.get().version(), StandardCharsets.UTF_8);
        HttpRequest request =
            HttpRequest.newBuilder(
                    URI.create(controlPlane.get() + SNAPSHOT_PATH + "?after=" + after))
                .header("Authorization", "Bearer " + key.get())
                .timeout(Duration.ofSeconds(60))
                .GET()
                .build();
        HttpResponse<byte[]> response =
            client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 200) {
          install(JSON.readValue(response.body(), GatewaySnapshot.class), response.body());
          connected();
        } else if (response.statusCode() == 204) {
          connected();
        } else {
          lost("it answered " + response.statusCode());
          if (!pause()) {
            return;
          }
        }
      } catch (IOException | RuntimeException e) {
        lost(e.toString());
        if (!pause()) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void install(GatewaySnapshot snapshot, byte[] json) throws IOException {
    tables.set(RoutingTable.of(snapshot, tables.get()));
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(tmp, json);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private synchronized void connected() {
    if (!reachable) {
      reachable = true;
      log.printf(
          "gateway: the control plane answers again (snapshot %s)%n", tables.get().version());
    }
  }

  private synchronized void lost(String why) {
    if (reachable) {
      reachable = false;
      log.printf(
          "gateway: the control plane does not answer (%s); serving with snapshot %s%n",
          why, tables.get().version());
    }
  }

  private void report() {
    while (running) {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
      List<GatewayReport.VersionCounts> versions = stats.drain();
      List<GatewayReport.BackendLoad> loads = new ArrayList<>();
      RoutingTable table = tables.get();
      for (Upstream upstream : table.upstreams()) {
        loads.add(new GatewayReport.BackendLoad(upstream.job(), upstream.inFlight()));
      }
      try {
        HttpRequest request =
            HttpRequest.newBuilder(URI.create(controlPlane.get() + REPORT_PATH))
                .header("Authorization", "Bearer " + key.get())
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(5))
                .POST(
                    HttpRequest.BodyPublishers.ofByteArray(
                        JSON.writeValueAsBytes(
                            new GatewayReport(table.version(), loads, versions))))
                .build();
        int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status / 100 != 2) {
          stats.restore(versions);
        }
      } catch (IOException | RuntimeException e) {
        stats.restore(versions);
      } catch (InterruptedException e) {
        stats.restore(versions);
        return;
      }
    }
  }

  /** Waits before the next try; false when interrupted (closing). */
  private static boolean pause() {
    try {
      Thread.sleep(RETRY.toMillis());
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }

  @Override
  public void close() {
    running = false;
    poller.interrupt();
    reporter.interrupt();
  }
}
