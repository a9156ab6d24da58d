package io.capstan.server.e2e;

import static org.awaitility.Awaitility.await;

import io.capstan.runtime.kubernetes.TestingCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged server jar run as a real process, so tests can SIGKILL and restart it. The serving
 * gateway it starts outlives it (as replicas do); {@link #close()} stops that too.
 */
final class ServerProcess implements AutoCloseable {
  private final Path dataDir;
  private final String logName;
  private final List<String> systemProperties;
  private final int port;
  private Process process;

  ServerProcess(Path dataDir) {
    this(dataDir, "server.log", List.of());
  }

  /**
   * @param logName the file under the data dir that gets the server's output
   * @param systemProperties more {@code -Dname=value} settings
   */
  ServerProcess(Path dataDir, String logName, List<String> systemProperties) {
    this.dataDir = dataDir;
    this.logName = logName;
    this.systemProperties = List.copyOf(systemProperties);
    this.port = freePort();
  }

  /**
   * The server on the Kubernetes runtime against {@code cluster}: its kubeconfig written to the
   * data dir, with {@code more} settings besides.
   */
  static ServerProcess onCluster(Path dataDir, TestingCluster cluster, String... more) {
    Path kubeconfig = dataDir.resolve("kubeconfig");
    try {
      Files.writeString(kubeconfig, cluster.kubeconfig());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> settings = new ArrayList<>();
    settings.add("capstan.runtime.kind=kubernetes");
    settings.add("capstan.runtime.kubernetes.kubeconfig=" + kubeconfig);
    settings.addAll(List.of(more));
    return new ServerProcess(dataDir, "server.log", settings);
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
    List<String> command = new java.util.ArrayList<>();
    command.addAll(
        List.of(
            java,
            "-Xmx512m",
            "-Dcapstan.home=" + ServerFixture.repository(),
            // Tests may run beside a real server: the gateway takes free ports.
            "-Dcapstan.serving.grpc-port=0",
            "-Dcapstan.serving.gateway.http-port=0"));
    systemProperties.forEach(property -> command.add("-D" + property));
    command.addAll(
        List.of(
            "-jar",
            jar.toString(),
            "--port",
            Integer.toString(port),
            "--data-dir",
            dataDir.toString()));
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve(logName).toFile()))
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
