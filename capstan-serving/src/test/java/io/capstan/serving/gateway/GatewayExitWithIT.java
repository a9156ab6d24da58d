package io.capstan.serving.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A gateway started with {@code --exit-with PID} ends when that process is SIGKILLed, as a control
 * plane started with {@code stop-with-server} would be by a test fork past its exit timeout.
 */
class GatewayExitWithIT {
  @Test
  void theGatewayEndsWhenTheProcessItWasStartedForIsKilled() throws Exception {
    Path state = Files.createTempDirectory("capstan-gateway-exit-with");
    Files.writeString(state.resolve(Gateway.KEY_FILE), "k\n");
    Files.writeString(state.resolve(Gateway.CONTROL_PLANE_FILE), "http://127.0.0.1:9\n");
    Process parent = new ProcessBuilder("sleep", "600").start();
    Process gateway = null;
    try {
      gateway =
          new ProcessBuilder(
                  List.of(
                      ProcessHandle.current().info().command().orElse("java"),
                      "-cp",
                      System.getProperty("java.class.path"),
                      GatewayMain.class.getName(),
                      "--state-dir",
                      state.toString(),
                      "--http-port",
                      "0",
                      "--grpc-port",
                      "0",
                      "--exit-with",
                      Long.toString(parent.pid())))
              .redirectErrorStream(true)
              .redirectOutput(state.resolve("gateway.log").toFile())
              .start();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Files.exists(state.resolve(Gateway.PID_FILE)));
      assertThat(gateway.isAlive()).as(Files.readString(state.resolve("gateway.log"))).isTrue();

      parent.destroyForcibly().waitFor();

      Process started = gateway;
      await().atMost(Duration.ofSeconds(30)).until(() -> !started.isAlive());
      assertThat(Files.readString(state.resolve("gateway.log"))).contains("gateway stopped");
    } finally {
      parent.destroyForcibly();
      if (gateway != null) {
        gateway.destroyForcibly();
      }
    }
  }
}
