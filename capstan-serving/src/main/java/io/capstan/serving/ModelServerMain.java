package io.capstan.serving;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;

/**
 * {@code capstan model-server}: runs one serving replica until SIGTERM, then drains and exits 0.
 * Bad arguments exit 2 with a message naming the flag; a model that cannot be loaded exits 1.
 */
public final class ModelServerMain {
  private ModelServerMain() {}

  public static void main(String[] args) throws InterruptedException {
    PrintStream log = System.err;
    ServerOptions options;
    try {
      options = ServerOptionsParser.parse(args);
    } catch (IllegalArgumentException e) {
      log.println("capstan model-server: " + e.getMessage());
      log.println(ServerOptionsParser.USAGE);
      System.exit(2);
      return;
    }
    ModelServer server;
    try {
      server = new ModelServer(options, log);
    } catch (IOException | RuntimeException e) {
      log.println("capstan model-server: could not listen: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                  log.flush();
                  // A drained shutdown is a success: exit 0, not the JVM's 143 for SIGTERM.
                  Runtime.getRuntime().halt(0);
                },
                "drain"));
    try {
      if (options.portsFile() != null) {
        writePorts(options.portsFile(), server.httpPort(), server.grpcPort());
      }
      server.load();
    } catch (IOException | RuntimeException e) {
      log.println("capstan model-server: " + e.getMessage());
      Runtime.getRuntime().halt(1);
    }
    stopped.await();
  }

  /** Writes {@code http=PORT\ngrpc=PORT\n} through a temporary file and a rename. */
  static void writePorts(Path file, int http, int grpc) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path tmp = absolute.resolveSibling(absolute.getFileName() + ".tmp");
    Files.writeString(tmp, "http=" + http + "\ngrpc=" + grpc + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
