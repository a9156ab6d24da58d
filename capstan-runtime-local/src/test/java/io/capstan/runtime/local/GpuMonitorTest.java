package io.capstan.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capstan.runtime.GpuUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU sampler. No GPU exists on the build machines, so {@code nvidia-smi} is played by a script
 * that prints what the real one prints for this query (its CSV format, {@code [N/A]} for a MIG
 * device), and checks the arguments it was given.
 */
class GpuMonitorTest {
  private static final Instant NOW = Instant.parse("2026-12-07T03:00:00Z");

  @TempDir Path dir;

  @Test
  void parsesUtilisationAndMemoryAndMarksWhatADeviceDoesNotReport() {
    String output = "0, 87, 40321, 81559\n1, [N/A], [N/A], 81559\n\n";

    assertThat(GpuMonitor.parse(output, "host-a", NOW))
        .containsExactly(
            new GpuUsage("host-a", 0, 0.87, 40321L << 20, 81559L << 20, NOW),
            new GpuUsage("host-a", 1, Double.NaN, 0, 81559L << 20, NOW));
    assertThatThrownBy(() -> GpuMonitor.parse("0, NVIDIA H100, 87", "host-a", NOW))
        .hasMessageContaining("Expected nvidia-smi lines of 'index,utilization.gpu");
  }

  @Test
  void samplesWhatNvidiaSmiSaysAndKeepsTheLastSampleWhenItFails() throws IOException {
    Path answer = dir.resolve("answer");
    Files.writeString(answer, "0, 12, 1024, 81559\n");
    NvidiaSmi smi = new NvidiaSmi(script(answer).toString());
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    try (GpuMonitor monitor = new GpuMonitor(smi, "host-a", clock).start(Duration.ofMillis(50))) {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> monitor.last().size() == 1 && monitor.last().get(0).utilization() == 0.12);
      Files.writeString(answer, "0, 99, 2048, 81559\n");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> monitor.last().get(0).utilization() == 0.99);
      assertThat(monitor.last().get(0).memoryUsedBytes()).isEqualTo(2048L << 20);

      Files.delete(answer); // the script now exits 1, as nvidia-smi does when the driver is gone
      monitor.sample();
      assertThat(monitor.last()).hasSize(1);
      assertThat(monitor.last().get(0).utilization()).isEqualTo(0.99);
    }
  }

  /** A stand-in for nvidia-smi that prints {@code answer} for the monitor's query, else fails. */
  private Path script(Path answer) throws IOException {
    Path script = dir.resolve("nvidia-smi");
    Files.writeString(
        script,
        """
        #!/bin/sh
        [ "$1" = "--query-gpu=index,utilization.gpu,memory.used,memory.total" ] || exit 2
        [ "$2" = "--format=csv,noheader,nounits" ] || exit 2
        [ -f "%s" ] || { echo "NVIDIA-SMI has failed"; exit 1; }
        cat "%s"
        """
            .formatted(answer, answer));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }
}
