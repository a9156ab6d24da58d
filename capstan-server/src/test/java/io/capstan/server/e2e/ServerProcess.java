package io.capstan.server.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The packaged server jar run as a real process, so tests can SIGKILL and restart it. The serving
 * gateway it starts outlives it (as replicas do); {@link #close()} stops that too.
 */
final class ServerProcess implements AutoCloseable {
  private final Path dataDir;
  private final int port;
  private final List<String> properties;
  private Process process;

  ServerProcess(Path dataDir) {
    this(dataDir, List.of());
  }

  /**
   * @param properties more {@code -Dname=value} options of the server's JVM (a test's settings)
   */
  ServerProcess(Path dataDir, List<String> properties) {
    this.dataDir = dataDir;
    this.port = freePort();
    this.properties = List.copyOf(properties);
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  void start() {
    Path jar = Path.of("target", "capstan-server.jar").toAbsolutePath();
    if (!jar.toFile().isFile()) {
      throw new IllegalStateException(
          "Expected the packaged server at " + jar + "; run mvn verify");
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    try {
      List<String> command = new java.util.ArrayList<>();
      command.addAll(
          List.of(
              java,
              "-Xmx512m",
              "-Dcapstan.home=" + ServerFixture.repository(),
              // Tests may run beside a real server: the gateway takes free ports.
              "-Dcapstan.serving.grpc-port=0",
              "-Dcapstan.serving.gateway.http-port=0"));
      command.addAll(properties);
      command.addAll(
          List.of(
              "-jar",
              jar.toString(),
              "--port",
              Integer.toString(port),
              "--data-dir",
              dataDir.toString()));
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(dataDir.resolve("server.log").toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TestingHttp http = new TestingHttp(url());
    await()
        // Generous: on a loaded two-core machine a start has taken 100 s.
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> http.get(null, "/api/v1/health").status() == 200);
  }

  /** SIGKILL: no shutdown hooks, no graceful stop. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The serving gateway's process, from the pid file it writes, while it runs. */
  java.util.Optional<ProcessHandle> gateway() {
    try {
      long pid =
          Long.parseLong(
              java.nio.file.Files.readString(dataDir.resolve("gateway/gateway.pid")).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    } catch (IOException | NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    gateway()
        .ifPresent(
            gateway -> {
              gateway.destroy();
              gateway.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
            });
    ServerFixture.killReplicas(dataDir);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
