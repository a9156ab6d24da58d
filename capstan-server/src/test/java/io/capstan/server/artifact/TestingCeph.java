package io.capstan.server.artifact;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real one-node Ceph cluster with its RADOS Gateway (S3) on loopback, in a temporary folder: a
 * monitor, one OSD on {@code memstore}, radosgw on a free port, and one S3 user. Started once per
 * test class ({@link #start}); {@link #close} stops the three daemons by their process and deletes
 * the folder. Needs Debian's {@code ceph-mon ceph-osd radosgw}; ready in about 10-20 s. Test
 * classes share one cluster per JVM ({@link #shared}), each with buckets of its own: two clusters
 * started one after the other on a loaded machine once left the second's gateway unanswered.
 */
public final class TestingCeph implements AutoCloseable {
  public static final String ACCESS_KEY = "capstan-test-access";
  public static final String SECRET_KEY = "capstan-test-secret-key";

  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

  private final Path dir;
  private final Path conf;
  private final int rgwPort;
  private final List<Process> daemons = new java.util.concurrent.CopyOnWriteArrayList<>();

  private TestingCeph(Path dir, int rgwPort) {
    this.dir = dir;
    this.conf = dir.resolve("ceph.conf");
    this.rgwPort = rgwPort;
  }

  private static TestingCeph shared;

  /** The cluster of this JVM, started on first use and stopped when the JVM exits. */
  public static synchronized TestingCeph shared() {
    if (shared == null) {
      shared = start();
    }
    return shared;
  }

  /**
   * Starts the cluster and radosgw; waits until S3 answers and the user exists. A start whose
   * daemon exits is tried again with a fresh folder and ports, up to three times: Ceph 16's OSD
   * sometimes asks its monitor before it has the monitor's map (its command carries fsid 0, which
   * the monitor refuses with "wrong fsid") and then stops.
   */
  public static TestingCeph start() {
    IllegalStateException failed = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        return startOnce();
      } catch (IllegalStateException e) {
        if (failed == null) {
          failed = e;
        } else {
          failed.addSuppressed(e);
        }
      }
    }
    throw failed;
  }

  private static TestingCeph startOnce() {
    Path dir;
    try {
      dir = Files.createTempDirectory("capstan-ceph");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TestingCeph ceph = new TestingCeph(dir, freePort());
    // A test JVM that is killed still stops its daemons (by their own processes).
    Runtime.getRuntime().addShutdownHook(new Thread(ceph::stopDaemons, "ceph-stop"));
    try {
      ceph.boot(freePort(), freePort());
      return ceph;
    } catch (RuntimeException | IOException e) {
      String logs = ceph.logTails();
      ceph.stopDaemons();
      throw new IllegalStateException(
          "Cannot start Ceph (logs kept in " + dir + "/log):\n" + logs, e);
    }
  }

  /** The S3 endpoint, {@code http://127.0.0.1:PORT}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + rgwPort);
  }

  /** The store's configuration for bucket {@code bucket}, caching folders under {@code cache}. */
  public ArtifactsConfig.S3 config(String bucket, Path cache) {
    return new ArtifactsConfig.S3(
        endpoint(), bucket, "us-east-1", ACCESS_KEY, SECRET_KEY, cache.toString());
  }

  private void boot(int monPort, int portBase) throws IOException {
    String fsid = UUID.randomUUID().toString();
    for (String sub : List.of("mon", "osd/osd.0", "run", "log", "rgw")) {
      Files.createDirectories(dir.resolve(sub));
    }
    // Ceph's own ports (the OSD binds several) from a range away from the tests' free ports.
    int min = 20000 + (portBase % 10000);
    Files.writeString(
        conf,
        String.join(
            "\n",
            "[global]",
            "fsid = " + fsid,
            "mon host = v1:127.0.0.1:" + monPort,
            "mon initial members = a",
            "auth cluster required = none",
            "auth service required = none",
            "auth client required = none",
            "ms bind msgr2 = false",
            "ms mon client mode = crc",
            "ms client mode = crc",
            "ms bind port min = " + min,
            "ms bind port max = " + (min + 60),
            "osd pool default size = 1",
            "osd pool default min size = 1",
            "mon allow pool size one = true",
            "osd crush chooseleaf type = 0",
            "mon data avail warn = 1",
            "mon data avail crit = 0",
            "run dir = " + dir.resolve("run"),
            "admin socket = " + dir.resolve("run") + "/$name.asok",
            "log file = " + dir.resolve("log") + "/$name.log",
            "mon data = " + dir.resolve("mon") + "/$name",
            "osd data = " + dir.resolve("osd") + "/$name",
            "osd objectstore = memstore",
            "memstore device bytes = " + (8L << 30),
            "[client.rgw]",
            "ms mon client mode = crc",
            "auth client required = none",
            "rgw frontends = beast endpoint=127.0.0.1:" + rgwPort,
            "rgw data = " + dir.resolve("rgw"),
            ""),
        UTF_8);
    run(
        "monmaptool",
        "--create",
        "--addv",
        "a",
        "[v1:127.0.0.1:" + monPort + "]",
        "--fsid",
        fsid,
        dir.resolve("monmap").toString());
    run(
        "ceph-mon",
        "--mkfs",
        "-i",
        "a",
        "--monmap",
        dir.resolve("monmap").toString(),
        "-c",
        conf());
    daemon("mon", "ceph-mon", "-i", "a", "-c", conf(), "-f");
    run("ceph", "-c", conf(), "osd", "create");
    run("ceph-osd", "-i", "0", "--mkfs", "-c", conf());
    daemon("osd", "ceph-osd", "-i", "0", "-c", conf(), "-f");
    daemon("rgw", "radosgw", "-c", conf(), "-n", "client.rgw", "-f");
    HttpClient http = HttpClient.newHttpClient();
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(250))
        .failFast(
            "a Ceph daemon exited before the gateway answered",
            () -> daemons.stream().anyMatch(daemon -> !daemon.isAlive()))
        .ignoreExceptions()
        .until(
            () ->
                http.send(
                            HttpRequest.newBuilder(endpoint())
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200);
    run(
        "radosgw-admin",
        "-c",
        conf(),
        "user",
        "create",
        "--uid=capstan",
        "--display-name=capstan",
        "--access-key=" + ACCESS_KEY,
        "--secret-key=" + SECRET_KEY);
  }

  private String conf() {
    return conf.toString();
  }

  private void daemon(String name, String... command) throws IOException {
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("log").resolve(name + ".out").toFile())
            .start();
    daemons.add(process);
  }

  private void run(String... command) throws IOException {
    Path out = dir.resolve("log").resolve(command[0] + ".out");
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
            .start();
    try {
      if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "Expected "
                + String.join(" ", command)
                + " to finish in "
                + COMMAND_TIMEOUT
                + ", but it did not: "
                + Files.readString(out, UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("Interrupted", e);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          "Expected "
              + String.join(" ", command)
              + " to exit with 0, but it exited with "
              + process.exitValue()
              + ": "
              + Files.readString(out, UTF_8));
    }
  }

  /** The last lines of each daemon's log, for a start that failed. */
  private String logTails() {
    StringBuilder tails = new StringBuilder();
    try (Stream<Path> logs = Files.list(dir.resolve("log"))) {
      for (Path log : logs.sorted().toList()) {
        List<String> lines = Files.readAllLines(log, UTF_8);
        tails.append("--- ").append(log.getFileName()).append('\n');
        lines
            .subList(Math.max(0, lines.size() - 15), lines.size())
            .forEach(line -> tails.append(line).append('\n'));
      }
    } catch (IOException | UncheckedIOException e) {
      tails.append("(logs unreadable: ").append(e).append(")");
    }
    return tails.toString();
  }

  @Override
  public void close() {
    stopDaemons();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + dir, e);
    }
  }

  private void stopDaemons() {
    // radosgw first, then the OSD, then the monitor: each by its own process.
    for (int i = daemons.size() - 1; i >= 0; i--) {
      Process process = daemons.get(i);
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
    daemons.clear();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
