package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees when the packaged server is started with a runtime it does not have, or a
 * bad runtime setting: it stops at once and says which property, what it expected and what it got.
 * Run from the jar, so the runtime is found as in production (ServiceLoader in the nested jars).
 */
class RuntimeSettingsIT {
  @Test
  void aRuntimeKindWithoutItsProviderStopsStartUpAndNamesTheKindsThereAre() throws Exception {
    String output = failedStart("--capstan.runtime.kind=slurm");

    assertThat(output)
        .contains("APPLICATION FAILED TO START")
        .contains(
            "The workload runtime could not start: Expected capstan.runtime.kind to be one of the"
                + " runtimes on the class path (kubernetes, local), but was 'slurm'");
  }

  @Test
  void aBadLocalRuntimeSettingStopsStartUpAndNamesTheProperty() throws Exception {
    String output = failedStart("--capstan.runtime.local.pids-max=lots");

    assertThat(output)
        .contains("Expected capstan.runtime.local.pids-max to be a whole number, but was 'lots'");
  }

  private static String failedStart(String setting) throws IOException, InterruptedException {
    Path jar = Path.of("target", "capstan-server.jar").toAbsolutePath();
    assertThat(jar).as("the packaged server; run mvn verify").isRegularFile();
    Path data = ServerFixture.newDataDir("capstan-runtime-settings-it");
    Path log = data.resolve("server.log");
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(
        List.of(
            "-Xmx512m",
            "-jar",
            jar.toString(),
            "--port",
            "0",
            "--data-dir",
            data.toString(),
            "--capstan.serving.gateway.launch=off",
            setting));
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      // Generous: on a loaded two-core machine a start has taken 100 s.
      assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("the server stops by itself").isTrue();
      assertThat(process.exitValue()).isNotZero();
      return Files.readString(log);
    } finally {
      process.destroyForcibly();
    }
  }
}
