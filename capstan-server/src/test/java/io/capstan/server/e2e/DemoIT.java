package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, {@code bin/capstan demo}, on a fresh home: it starts a server, trains
 * the 2-rank DDP example, shows its metrics, registers and serves its model, compares the served
 * outputs with PyTorch's, starts a notebook whose sign-in link it prints, and creates a Katib
 * Experiment. It uses the jars of this build ({@code CAPSTAN_NO_BUILD}) and a free port.
 */
class DemoIT {
  private static final Pattern DIFFERENCE = Pattern.compile("largest difference: ([0-9.eE+-]+)");

  private Path home;

  @AfterEach
  void stopWhatTheDemoLeftRunning() throws IOException {
    if (home == null) {
      return;
    }
    Path data = home.resolve(".capstan");
    for (Path pid : new Path[] {data.resolve("server.pid"), data.resolve("gateway/gateway.pid")}) {
      if (Files.isRegularFile(pid)) {
        ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()))
            .ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    ServerFixture.killReplicas(data);
  }

  @Test
  void theDemoTrainsServesAndMatchesPyTorch() throws Exception {
    home = Files.createTempDirectory("capstan-demo-it");
    Path output = home.resolve("demo.log");
    ProcessBuilder demo =
        new ProcessBuilder(ServerFixture.repository().resolve("bin/capstan").toString(), "demo")
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    demo.environment().put("HOME", home.toString());
    demo.environment().put("CAPSTAN_PORT", Integer.toString(freePort()));
    demo.environment().put("CAPSTAN_NO_BUILD", "1");
    demo.environment().remove("CAPSTAN_DATA_DIR");
    demo.environment().remove("CAPSTAN_URL");
    demo.environment().remove("CAPSTAN_TOKEN");

    Process process = demo.start();
    boolean ended = process.waitFor(8, TimeUnit.MINUTES);
    if (!ended) {
      process.destroyForcibly();
    }
    String log = Files.readString(output);

    assertThat(ended).as(log).isTrue();
    assertThat(process.exitValue()).as(log).isZero();
    assertThat(log)
        .contains("Succeeded", "capstan outputs", "model.onnx", "served by version 1 of demo-mlp")
        .contains("capstan metrics", "loss", "worker-1")
        .contains("capstan notebook open demo-lab", "/notebooks/default/demo-lab/")
        .doesNotContain("(no notebook: see above)")
        .contains("capstan experiment create -f examples/katib-random.yaml", "random-ddp")
        .doesNotContain("(no experiment: see above)");
    Matcher difference = DIFFERENCE.matcher(log);
    assertThat(difference.find()).as(log).isTrue();
    assertThat(Double.parseDouble(difference.group(1))).isLessThan(1e-4);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
