package io.capstan.server.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: a throw-away cluster made with Debian's {@code initdb} and
 * {@code pg_ctl}, started once per JVM on a free loopback port and stopped at exit. Never skipped:
 * a machine without PostgreSQL fails the test, because {@code .ci/run} installs it.
 */
public final class TestingPostgres {
  private static final String USER = "capstan";
  private static TestingPostgres instance;

  private final Path bin;
  private final Path dataDir;
  private final int port;
  private final boolean asPostgresUser;
  private final AtomicInteger databases = new AtomicInteger();

  private TestingPostgres(Path bin, Path dataDir, int port, boolean asPostgresUser) {
    this.bin = bin;
    this.dataDir = dataDir;
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  /** The shared server, started on first use. */
  public static synchronized TestingPostgres get() {
    if (instance == null) {
      instance = start();
      Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "testing-postgres-stop"));
    }
    return instance;
  }

  /** A JDBC URL of a new, empty database. */
  public String newDatabase() {
    String name = "capstan_test_" + databases.incrementAndGet();
    try (Connection admin = DriverManager.getConnection(url("postgres"), USER, "")) {
      admin.createStatement().execute("create database " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not create database " + name, e);
    }
    return url(name);
  }

  public String user() {
    return USER;
  }

  private String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  private static TestingPostgres start() {
    Path bin = findBin();
    boolean root = "root".equals(System.getProperty("user.name"));
    try {
      Path dir = Files.createTempDirectory("capstan-pg");
      Path data = dir.resolve("data");
      if (root) {
        // initdb refuses to run as root: the cluster belongs to Debian's postgres user.
        run(List.of("chown", "postgres", dir.toString()), false);
      }
      int port = freePort();
      TestingPostgres pg = new TestingPostgres(bin, data, port, root);
      pg.exec(
          List.of(
              bin.resolve("initdb").toString(),
              "-D",
              data.toString(),
              "-U",
              USER,
              "--auth=trust",
              "--encoding=UTF8",
              "--no-sync"));
      pg.exec(
          List.of(
              bin.resolve("pg_ctl").toString(),
              "-D",
              data.toString(),
              "-w",
              "-t",
              "60",
              "-l",
              dir.resolve("postgres.log").toString(),
              "-o",
              "-p " + port + " -k " + dir + " -h 127.0.0.1 -F",
              "start"));
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void stop() {
    exec(
        List.of(
            bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "stop"));
  }

  private void exec(List<String> command) {
    run(command, asPostgresUser);
  }

  private static void run(List<String> command, boolean asPostgresUser) {
    List<String> full = new ArrayList<>();
    if (asPostgresUser) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    try {
      Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("Command " + full + " failed:\n" + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted running " + full, e);
    }
  }

  private static Path findBin() {
    Path root = Path.of("/usr/lib/postgresql");
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .map(version -> version.resolve("bin"))
          .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
          .max(Comparator.comparing(Path::toString))
          .orElseThrow(() -> missing(root));
    } catch (IOException e) {
      throw missing(root);
    }
  }

  private static IllegalStateException missing(Path root) {
    return new IllegalStateException(
        "Expected PostgreSQL under "
            + root
            + " (apt-get install postgresql); .ci/run installs it, and the store tests need it");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
