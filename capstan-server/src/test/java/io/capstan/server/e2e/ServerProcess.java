package io.capstan.server.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The packaged server jar run as a real process, so tests can SIGKILL and restart it. */
final class ServerProcess implements AutoCloseable {
  private final Path dataDir;
  private final int port;
  private Process process;

  ServerProcess(Path dataDir) {
    this.dataDir = dataDir;
    this.port = freePort();
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
      process =
          new ProcessBuilder(
                  List.of(
                      java,
                      "-Xmx512m",
                      "-Dcapstan.home=" + ServerFixture.repository(),
                      // Tests may run beside a real server: take any free port for gRPC.
                      "-Dcapstan.serving.grpc-port=0",
                      "-jar",
                      jar.toString(),
                      "--port",
                      Integer.toString(port),
                      "--data-dir",
                      dataDir.toString()))
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(dataDir.resolve("server.log").toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TestingHttp http = new TestingHttp(url());
    await()
        .atMost(Duration.ofSeconds(90))
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
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
