package io.capstan.serving.gateway;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.concurrent.CountDownLatch;

/**
 * {@code capstan gateway}: runs the serving gateway until SIGTERM. Bad arguments exit 2 with a
 * message naming the flag; a port that cannot be bound exits 1. Writes its pid and ports into the
 * state directory, so the control plane finds (and after its own restart adopts) it. With {@code
 * --exit-with PID} it also stops when that process ends.
 */
public final class GatewayMain {
  private GatewayMain() {}

  public static void main(String[] args) throws InterruptedException {
    PrintStream log = System.err;
    GatewayOptions options;
    try {
      options = GatewayOptions.parse(args);
    } catch (IllegalArgumentException e) {
      log.println("capstan gateway: " + e.getMessage());
      log.println(GatewayOptions.USAGE);
      System.exit(2);
      return;
    }
    Gateway gateway;
    try {
      Files.createDirectories(options.stateDir());
      gateway = new Gateway(options, log);
      gateway.writePorts(options.stateDir().resolve(Gateway.PORTS_FILE));
      Files.writeString(
          options.stateDir().resolve(Gateway.PID_FILE), ProcessHandle.current().pid() + "\n");
    } catch (IOException | RuntimeException e) {
      log.println("capstan gateway: could not start: " + e);
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  gateway.close();
                  log.println("gateway stopped");
                  stopped.countDown();
                },
                "gateway-stop"));
    if (options.exitWith() > 0) {
      // The process it serves may be SIGKILLed, which runs no hook of its own: end with it.
      ProcessHandle.of(options.exitWith())
          .map(ProcessHandle::onExit)
          .ifPresentOrElse(exit -> exit.thenRun(() -> System.exit(0)), () -> System.exit(0));
    }
    stopped.await();
  }
}
