package io.capstan.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocalRuntimeConfigTest {
  @Test
  void defaultsDescribeThisHost() {
    LocalRuntimeConfig config = LocalRuntimeConfig.defaults(Path.of("state"));

    assertThat(config.stateDir()).isEqualTo(Path.of("state").toAbsolutePath());
    assertThat(config.nodeName()).isEqualTo(LocalRuntimeConfig.hostName()).isNotBlank();
    assertThat(config.gpus()).isEqualTo("auto");
    assertThat(config.configuredGpus()).isEmpty();
    assertThat(config.cpuMillis()).isEqualTo(Runtime.getRuntime().availableProcessors() * 1000L);
    assertThat(config.memoryBytes())
        .isEqualTo(LocalRuntimeConfig.hostMemoryBytes())
        .isGreaterThan(64L * 1024 * 1024);
    assertThat(config.cgroups()).isEqualTo(CgroupMode.AUTO);
    assertThat(config.cgroupRoot()).isEqualTo(Path.of("/sys/fs/cgroup"));
    assertThat(config.pythonInterpreter()).isEqualTo("auto");
    assertThat(config.environments()).isEqualTo(Map.of("*", Environment.HOST));
  }

  @Test
  void gpusAreAutoNoneOrIndices() {
    LocalRuntimeConfig config = LocalRuntimeConfig.defaults(Path.of("state"));

    assertThat(config.withGpus("none").configuredGpus()).contains(List.of());
    assertThat(config.withGpus("0, 2,3").configuredGpus()).isEqualTo(Optional.of(List.of(0, 2, 3)));
    assertThatThrownBy(() -> config.withGpus("0,0"))
        .hasMessage("Expected distinct GPU indices, but was '0,0'");
    assertThatThrownBy(() -> config.withGpus("all"))
        .hasMessage(
            "Expected gpus to be 'auto', 'none' or device indices like '0,1', but was 'all'");
  }

  @Test
  void invalidValuesAreRejectedWithWhatWasFound() {
    Path state = Path.of("state");
    assertThatThrownBy(
            () ->
                new LocalRuntimeConfig(
                    state,
                    "node",
                    "auto",
                    0,
                    1,
                    CgroupMode.AUTO,
                    Path.of("/sys/fs/cgroup"),
                    "auto",
                    Map.of(),
                    SandboxConfig.none()))
        .hasMessage("Expected positive cpuMillis and memoryBytes, but were 0 and 1");
    assertThatThrownBy(
            () ->
                new LocalRuntimeConfig(
                    state,
                    "bad name",
                    "auto",
                    1,
                    1,
                    CgroupMode.AUTO,
                    Path.of("/sys/fs/cgroup"),
                    "auto",
                    Map.of(),
                    SandboxConfig.none()))
        .hasMessage("Expected nodeName to be a host name, but was 'bad name'");
    assertThatThrownBy(() -> new Environment(Map.of("relative", Path.of("/x")), null, Map.of()))
        .hasMessageContaining("but was 'relative'");
  }
}
