package io.capstan.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.runtime.RuntimeSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The local runtime's settings: defaults, overrides, and each refused value's message. */
class LocalRuntimeSettingsTest {
  private static LocalRuntimeSettings read(Map<String, String> values) {
    return LocalRuntimeSettings.from(RuntimeSettings.of("capstan.runtime.local.", values));
  }

  @Test
  void withoutSettingsTheRuntimeTakesTheHostAndSandboxesEveryReplica() {
    LocalRuntimeSettings settings = read(Map.of());

    assertThat(settings).isEqualTo(LocalRuntimeSettings.defaults());
    assertThat(settings.gpus()).isEqualTo("auto");
    assertThat(settings.cgroups()).isEqualTo(CgroupMode.AUTO);
    assertThat(settings.python()).isEqualTo("auto");
    assertThat(settings.cpuMillis()).isZero();
    assertThat(settings.memoryBytes()).isZero();
    assertThat(settings.sandbox()).isEqualTo(SandboxMode.BUBBLEWRAP);
    assertThat(settings.pidsMax()).isEqualTo(8192);
    assertThat(settings.firstUid()).isEqualTo(1_000_000_000);
    assertThat(settings.uidCount()).isEqualTo(1_000_000);
  }

  @Test
  void everySettingIsRead() {
    LocalRuntimeSettings settings =
        read(
            Map.of(
                "gpus", "0, 2",
                "cgroups", "OFF",
                "python", "/opt/py/bin/python3",
                "cpu-millis", "4000",
                "memory-bytes", "8589934592",
                "sandbox", "none",
                "pids-max", "0",
                "first-uid", "200000",
                "uid-count", "5000"));

    assertThat(settings)
        .isEqualTo(
            new LocalRuntimeSettings(
                "0, 2",
                CgroupMode.OFF,
                "/opt/py/bin/python3",
                4000L,
                8_589_934_592L,
                SandboxMode.NONE,
                0L,
                200_000,
                5000));
  }

  @Test
  void eachBadValueNamesItsProperty() {
    assertRefused(
        "gpus",
        "all",
        "Expected capstan.runtime.local.gpus to be 'auto', 'none' or distinct device indices"
            + " like '0,1', but was 'all'");
    assertRefused(
        "gpus",
        "1,1",
        "Expected capstan.runtime.local.gpus to be 'auto', 'none' or distinct device indices"
            + " like '0,1', but was '1,1'");
    assertRefused(
        "cgroups",
        "v2",
        "Expected capstan.runtime.local.cgroups to be 'auto' or 'off', but was 'v2'");
    assertRefused(
        "python",
        " ",
        "Expected capstan.runtime.local.python to be 'auto' or a command, but was blank");
    assertRefused(
        "cpu-millis",
        "-1",
        "Expected capstan.runtime.local.cpu-millis to be 0 (all cores) or positive, but was -1");
    assertRefused(
        "cpu-millis",
        "4 cores",
        "Expected capstan.runtime.local.cpu-millis to be a whole number, but was '4 cores'");
    assertRefused(
        "memory-bytes",
        "-5",
        "Expected capstan.runtime.local.memory-bytes to be 0 (all memory) or positive, but was -5");
    assertRefused(
        "memory-bytes",
        "8GB",
        "Expected capstan.runtime.local.memory-bytes to be a whole number, but was '8GB'");
    assertRefused(
        "sandbox",
        "docker",
        "Expected capstan.runtime.local.sandbox to be 'bubblewrap' or 'none', but was 'docker'");
    assertRefused(
        "pids-max",
        "-1",
        "Expected capstan.runtime.local.pids-max to be 0 (no limit) or positive, but was -1");
    assertRefused(
        "first-uid",
        "999",
        "Expected capstan.runtime.local.first-uid to be at least 1000, but was 999");
    assertRefused(
        "uid-count",
        "0",
        "Expected capstan.runtime.local.uid-count to be between 1 and 1147483647, but was 0");
    assertRefused(
        "uid-count",
        "2000000000",
        "Expected capstan.runtime.local.uid-count to be between 1 and 1147483647, but was"
            + " 2000000000");
  }

  @Test
  void settingsOfAnotherKindAreRefused() {
    assertThatThrownBy(
            () ->
                LocalRuntimeSettings.from(
                    RuntimeSettings.of("capstan.runtime.kubernetes.", Map.of())))
        .hasMessage(
            "Expected the local runtime's settings under 'capstan.runtime.local.', but they were"
                + " under 'capstan.runtime.kubernetes.'");
  }

  private static void assertRefused(String name, String value, String message) {
    assertThatThrownBy(() -> read(Map.of(name, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
