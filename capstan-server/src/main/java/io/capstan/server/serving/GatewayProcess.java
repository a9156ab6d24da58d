package io.capstan.server.serving;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;

/**
 * The serving gateway as the control plane sees it: a process of its own ({@code capstan gateway},
 * the model server's jar), started detached in its own session and adopted again after the control
 * plane restarts, as replicas are, so requests keep flowing while the control plane is away. Its
 * files live in {@code <data-dir>/gateway/}: {@code gateway.key} (0600; the key of the internal
 * endpoint the gateway polls), {@code control-plane} (this control plane's URL, written at every
 * start), {@code gateway.pid}, {@code ports}, {@code snapshot.json} and {@code gateway.log}.
 *
 * <p>{@code launch=off}: an operator runs the gateway (same state directory) and the control plane
 * only feeds it.
 */
final class GatewayProcess
    implements ApplicationListener<WebServerInitializedEvent>, DisposableBean {
  static final String MAIN_CLASS = "io.capstan.serving.gateway.GatewayMain";
  private static final Logger log = LoggerFactory.getLogger(GatewayProcess.class);

  /**
   * @param launch start or adopt the gateway process ({@code true}), or leave it to an operator
   * @param stopWithServer stop the gateway when the control plane stops (tests); by default it
   *     outlives the control plane
   */
  record Settings(
      Path dataDir,
      boolean launch,
      boolean stopWithServer,
      String java,
      Path jar,
      String host,
      int httpPort,
      int grpcPort,
      int maxRequestBytes,
      java.time.Duration requestTimeout) {}

  private final Settings settings;
  private final Path dir;
  private final byte[] key;
  private volatile ProcessHandle process;

  GatewayProcess(Settings settings) {
    this.settings = settings;
    this.dir = settings.dataDir().resolve("gateway");
    this.key = ensureKey();
  }

  /** Whether {@code authorization} carries the gateway's key; compared in constant time. */
  boolean authorizes(String authorization) {
    if (authorization == null) {
      return false;
    }
    byte[] expected =
        ("Bearer " + new String(key, StandardCharsets.US_ASCII))
            .getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(
        expected, authorization.trim().getBytes(StandardCharsets.US_ASCII));
  }

  /** The gateway's HTTP base URL, e.g. {@code http://127.0.0.1:7072}. */
  String httpBase() {
    return "http://" + settings.host() + ":" + ports().map(p -> p[0]).orElse(settings.httpPort());
  }

  /** The gateway's gRPC address, e.g. {@code 127.0.0.1:7071}. */
  String grpcTarget() {
    return settings.host() + ":" + ports().map(p -> p[1]).orElse(settings.grpcPort());
  }

  /** The ports the gateway listens on, from its ports file, once it has written them. */
  Optional<int[]> ports() {
    try {
      int http = -1;
      int grpc = -1;
      for (String line : Files.readAllLines(dir.resolve("ports"))) {
        String[] pair = line.split("=", 2);
        if (pair.length == 2 && pair[0].equals("http")) {
          http = Integer.parseInt(pair[1].trim());
        } else if (pair.length == 2 && pair[0].equals("grpc")) {
          grpc = Integer.parseInt(pair[1].trim());
        }
      }
      return http < 0 || grpc < 0 ? Optional.empty() : Optional.of(new int[] {http, grpc});
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Once the API listens: tells the gateway where it is, then adopts it or starts it. */
  @Override
  public void onApplicationEvent(WebServerInitializedEvent event) {
    if (event.getApplicationContext().getParent() != null) {
      return; // the management context, if any
    }
    int port = event.getWebServer().getPort();
    write(dir.resolve("control-plane"), "http://127.0.0.1:" + port + "\n");
    if (!settings.launch()) {
      log.info(
          "Serving gateway: not launched (capstan.serving.gateway.launch=off); state in {}", dir);
      return;
    }
    Optional<ProcessHandle> running = running();
    if (running.isPresent()) {
      process = running.get();
      log.info("Serving gateway adopted: pid {} ({})", process.pid(), dir);
      return;
    }
    start();
  }

  /** The gateway of this data dir that is still running, from its pid file. */
  Optional<ProcessHandle> running() {
    try {
      long pid = Long.parseLong(Files.readString(dir.resolve("gateway.pid")).trim());
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(
              p ->
                  p.info()
                      .commandLine()
                      .map(c -> c.contains(MAIN_CLASS) && c.contains(dir.toString()))
                      .orElse(false));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private void start() {
    if (!Files.isRegularFile(settings.jar())) {
      log.warn(
          "Serving gateway not started: expected the model server's jar at {}, but it is missing;"
              + " build it with ./mvnw -DskipTests package",
          settings.jar());
      return;
    }
    try {
      Files.deleteIfExists(dir.resolve("ports"));
      List<String> command = new ArrayList<>();
      if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
        // Its own session: a Ctrl-C or SIGHUP to the control plane's terminal leaves it running.
        command.add("/usr/bin/setsid");
      }
      command.addAll(
          List.of(
              settings.java(),
              "-Xmx256m",
              "-XX:+UseSerialGC",
              "-cp",
              settings.jar().toString(),
              MAIN_CLASS,
              "--state-dir",
              dir.toString(),
              "--host",
              settings.host(),
              "--http-port",
              Integer.toString(settings.httpPort()),
              "--grpc-port",
              Integer.toString(settings.grpcPort()),
              "--max-request-bytes",
              Integer.toString(settings.maxRequestBytes()),
              "--request-timeout-seconds",
              Long.toString(Math.max(1, settings.requestTimeout().toSeconds()))));
      if (settings.stopWithServer()) {
        // Also when this JVM is SIGKILLed (a test fork past its exit timeout), which runs no
        // destroy.
        command.addAll(List.of("--exit-with", Long.toString(ProcessHandle.current().pid())));
      }
      Process started =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("gateway.log").toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      process = started.toHandle();
      log.info(
          "Serving gateway started: pid {} (log {})", started.pid(), dir.resolve("gateway.log"));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the serving gateway", e);
    }
  }

  /** Stops the gateway only when asked to ({@code stop-with-server}); by default it stays. */
  @Override
  public void destroy() {
    ProcessHandle current = process;
    if (!settings.stopWithServer() || current == null) {
      return;
    }
    current.destroy();
    try {
      current.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      current.destroyForcibly();
    }
  }

  private byte[] ensureKey() {
    Path file = dir.resolve("gateway.key");
    try {
      Files.createDirectories(dir);
      try {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system
      }
      if (!Files.exists(file)) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        Path tmp = dir.resolve("gateway.key.tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(
            tmp,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, HexFormat.of().formatHex(fresh) + "\n");
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      }
      return Files.readString(file).trim().getBytes(StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException("Cannot create the gateway's key in " + dir, e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or create the gateway's key " + file, e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }
}
