package io.capstan.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.runtime.RuntimeContext;
import io.capstan.runtime.RuntimeSettings;
import io.capstan.runtime.WorkloadRuntime;
import io.capstan.runtime.WorkloadRuntimeProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the provider turns the server's settings and flags into the local runtime. */
class LocalRuntimeProviderTest {
  private static final Path DATA = Path.of("/srv/capstan");
  private static final Path HOME = Path.of("/opt/capstan-home");
  private static final Supplier<Optional<String>> CAN_SANDBOX = Optional::empty;
  private static final Supplier<Optional<String>> CANNOT_SANDBOX =
      () -> Optional.of("bwrap is not installed");

  @TempDir Path dir;

  private static LocalRuntimeConfig config(
      Map<String, String> values, boolean trustAllJobs, Supplier<Optional<String>> problem) {
    RuntimeSettings settings = RuntimeSettings.of("capstan.runtime.local.", values);
    return LocalRuntimeProvider.config(
        LocalRuntimeSettings.from(settings),
        new RuntimeContext(DATA, HOME, trustAllJobs, settings),
        problem);
  }

  @Test
  void theServiceLoaderFindsTheLocalKind() {
    assertThat(ServiceLoader.load(WorkloadRuntimeProvider.class).stream())
        .map(ServiceLoader.Provider::get)
        .map(WorkloadRuntimeProvider::kind)
        .containsExactly("local");
  }

  @Test
  void theDefaultsDescribeThisHostAndSandboxEveryReplica() {
    LocalRuntimeConfig config = config(Map.of(), false, CANNOT_SANDBOX);
    LocalRuntimeConfig host = LocalRuntimeConfig.defaults(DATA.resolve("runtime"));

    assertThat(config.stateDir()).isEqualTo(DATA.resolve("runtime"));
    assertThat(config.gpus()).isEqualTo("auto");
    assertThat(config.cpuMillis()).isEqualTo(host.cpuMillis());
    assertThat(config.memoryBytes()).isEqualTo(host.memoryBytes());
    assertThat(config.cgroups()).isEqualTo(CgroupMode.AUTO);
    assertThat(config.pythonInterpreter()).isEqualTo("auto");
    assertThat(config.sandbox())
        .isEqualTo(
            new SandboxConfig(
                SandboxMode.BUBBLEWRAP,
                SandboxConfig.DEFAULT_FIRST_UID,
                SandboxConfig.DEFAULT_UID_COUNT,
                List.of(DATA),
                SandboxConfig.DEFAULT_PIDS_MAX));
    assertThat(config.environments())
        .containsOnlyKeys("*", "capstan/examples*", "capstan/model-server*");
    assertThat(config.environments().get("capstan/examples*").mounts())
        .isEqualTo(Map.of("/examples", HOME.resolve("examples")));
    assertThat(config.environments().get("capstan/model-server*").mounts())
        .isEqualTo(Map.of("/opt/capstan", HOME.resolve("capstan-serving/target")));
    assertThat(config.imagesFile())
        .as("the operator's image map, over the built-in entries")
        .isEqualTo(DATA.resolve("images.yaml"));
  }

  @Test
  void settingsReachTheRuntime() {
    LocalRuntimeConfig config =
        config(
            Map.of(
                "gpus", "none",
                "cgroups", "off",
                "python", "python3",
                "cpu-millis", "3000",
                "memory-bytes", "1073741824",
                "pids-max", "100",
                "first-uid", "300000",
                "uid-count", "10"),
            false,
            CAN_SANDBOX);

    assertThat(config.configuredGpus()).contains(List.of());
    assertThat(config.cgroups()).isEqualTo(CgroupMode.OFF);
    assertThat(config.pythonInterpreter()).isEqualTo("python3");
    assertThat(config.cpuMillis()).isEqualTo(3000);
    assertThat(config.memoryBytes()).isEqualTo(1_073_741_824L);
    assertThat(config.sandbox().pidsMax()).isEqualTo(100);
    assertThat(config.sandbox().firstUid()).isEqualTo(300_000);
    assertThat(config.sandbox().uidCount()).isEqualTo(10);
  }

  @Test
  void noSandboxNeedsTheOperatorToTrustEveryJob() {
    assertThatThrownBy(() -> config(Map.of("sandbox", "none"), false, CAN_SANDBOX))
        .hasMessage(
            "Expected capstan.runtime.local.sandbox=none only with --trust-all-jobs"
                + " (capstan.trust-all-jobs=true): without a sandbox any job can read the"
                + " server's data and other projects' files");
    SandboxConfig none = config(Map.of("sandbox", "none"), true, CAN_SANDBOX).sandbox();
    assertThat(none.mode()).isEqualTo(SandboxMode.NONE);
    assertThat(none.hidden()).isEmpty();
  }

  @Test
  void trustingEveryJobRunsUnsandboxedOnlyWhereBubblewrapCannotRun() {
    assertThat(config(Map.of(), true, CAN_SANDBOX).sandbox().mode())
        .isEqualTo(SandboxMode.BUBBLEWRAP);
    assertThat(config(Map.of(), true, CANNOT_SANDBOX).sandbox().mode()).isEqualTo(SandboxMode.NONE);
    assertThat(config(Map.of("pids-max", "64"), true, CANNOT_SANDBOX).sandbox().pidsMax())
        .isEqualTo(64);
  }

  @Test
  void createsARuntimeOverTheDataDirectory() throws Exception {
    RuntimeSettings settings =
        RuntimeSettings.of(
            "capstan.runtime.local.", Map.of("sandbox", "none", "gpus", "none", "cgroups", "off"));
    try (WorkloadRuntime runtime =
        new LocalRuntimeProvider().create(new RuntimeContext(dir, HOME, true, settings))) {
      assertThat(runtime.name()).isEqualTo("local");
      assertThat(runtime.nodes())
          .singleElement()
          .satisfies(node -> assertThat(node.gpus()).isEmpty());
      assertThat(runtime.capabilities().notes())
          .anyMatch(
              note -> note.startsWith("TRUST ALL JOBS: replicas run as the server's own user"));
    }
    assertThat(dir.resolve("runtime")).isDirectory();
  }
}
