package io.capstan.runtime.local;

import static io.capstan.runtime.local.LocalRuntimeTest.awaitFinished;
import static io.capstan.runtime.local.LocalRuntimeTest.awaitPid;
import static io.capstan.runtime.local.ReplicaFixture.replica;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.capstan.api.job.Resources;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.ReplicaPhase;
import io.capstan.runtime.RuntimeCapabilities;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs on any host: asserts the limits where cgroups are writable, and honest notes elsewhere. */
class CgroupLimitsTest {
  private static final long MEMORY = 64L * 1024 * 1024;

  @TempDir Path dir;
  private LocalRuntime runtime;

  @BeforeAll
  static void pollOften() {
    Awaitility.setDefaultPollInterval(Duration.ofMillis(20));
    Awaitility.setDefaultTimeout(Duration.ofSeconds(20));
  }

  @AfterEach
  void tearDown() {
    if (runtime != null) {
      runtime.observeAll().stream().map(o -> o.id().jobUid()).distinct().forEach(runtime::release);
      runtime.close();
    }
  }

  @Test
  void limitsAreWrittenToTheReplicasCgroupsOrTheCapabilitiesSaySo() throws IOException {
    runtime = new LocalRuntime(LocalRuntimeConfig.defaults(dir.resolve("state")).withGpus("none"));
    RuntimeCapabilities capabilities = runtime.capabilities();
    ReplicaFixture replica =
        replica(dir, "job-a", "worker-0")
            .command("sleep", "30")
            .resources(new Resources(500, MEMORY, 0));

    runtime.launch(replica.build());

    Path cgroupsFile = stateDir(replica).resolve("cgroups");
    if (!capabilities.enforcesMemory() && !capabilities.enforcesCpu()) {
      assertThat(capabilities.notes()).anyMatch(n -> n.contains("limits are not enforced"));
      assertThat(cgroupsFile).doesNotExist();
      return;
    }
    List<Path> cgroups = Files.readAllLines(cgroupsFile).stream().map(Path::of).toList();
    long supervisor = awaitPid(stateDir(replica).resolve("pid"));
    for (Path cgroup : cgroups) {
      assertThat(Files.readString(cgroup.resolve("cgroup.procs")))
          .contains(Long.toString(supervisor));
    }
    if (capabilities.enforcesMemory()) {
      assertThat(capabilities.notes())
          .anyMatch(n -> n.matches("cgroup v[12]: .*memory limits enforced"));
      assertThat(cgroups).anySatisfy(cgroup -> assertThat(memoryLimit(cgroup)).isEqualTo(MEMORY));
    }
    if (capabilities.enforcesCpu()) {
      assertThat(cgroups).anySatisfy(cgroup -> assertThat(cpuQuota(cgroup)).isEqualTo("50000"));
    }
    if (capabilities.notes().stream()
        .anyMatch(n -> n.endsWith("a pids limit per replica is enforced"))) {
      List<String> pidsLimits = new java.util.ArrayList<>();
      for (Path cgroup : cgroups) {
        if (Files.exists(cgroup.resolve("pids.max"))) {
          pidsLimits.add(Files.readString(cgroup.resolve("pids.max")).trim());
        }
      }
      assertThat(pidsLimits).containsExactly(Long.toString(SandboxConfig.DEFAULT_PIDS_MAX));
    }

    runtime.release("job-a");

    assertThat(cgroups).allSatisfy(cgroup -> assertThat(cgroup).doesNotExist());
  }

  @Test
  void replicaOverItsMemoryLimitIsKilledAndTheMessageSaysWhy() {
    runtime = new LocalRuntime(LocalRuntimeConfig.defaults(dir.resolve("state")).withGpus("none"));
    assumeThat(runtime.capabilities().enforcesMemory()).as("memory cgroups writable").isTrue();
    ReplicaFixture replica =
        replica(dir, "job-a", "worker-0")
            .command("/usr/bin/python3", "-c", "b = b'x' * (512 * 1024 * 1024); print(len(b))")
            .resources(new Resources(0, MEMORY, 0));

    runtime.launch(replica.build());

    ReplicaObservation finished = awaitFinished(runtime, replica.id());
    assertThat(finished.phase()).isEqualTo(ReplicaPhase.FAILED);
    assertThat(finished.exitCode()).isEqualTo(137);
    assertThat(finished.message()).contains("SIGKILL", "out of memory");
  }

  @Test
  void cgroupsTurnedOffAreNotUsedAndTheCapabilitiesSaySo() {
    runtime =
        new LocalRuntime(
            LocalRuntimeConfig.defaults(dir.resolve("state"))
                .withGpus("none")
                .withCgroups(CgroupMode.OFF, Path.of("/sys/fs/cgroup")));
    ReplicaFixture replica =
        replica(dir, "job-a", "worker-0").sh("exit 0").resources(new Resources(500, MEMORY, 0));

    runtime.launch(replica.build());

    assertThat(runtime.capabilities().enforcesCpu()).isFalse();
    assertThat(runtime.capabilities().enforcesMemory()).isFalse();
    assertThat(runtime.capabilities().notes())
        .contains("CPU and memory limits are not enforced: cgroups are turned off (cgroups=off)");
    assertThat(awaitFinished(runtime, replica.id()).phase()).isEqualTo(ReplicaPhase.SUCCEEDED);
    assertThat(stateDir(replica).resolve("cgroups")).doesNotExist();
  }

  @Test
  void aHostWithoutCgroupsIsReportedPlainly() throws IOException {
    Path fakeRoot = Files.createDirectories(dir.resolve("no-cgroups"));

    Cgroups cgroups = Cgroups.detect(CgroupMode.AUTO, fakeRoot, "test");

    assertThat(cgroups.inUse()).isFalse();
    assertThat(cgroups.notes())
        .containsExactly(
            "CPU and memory limits are not enforced: no cgroup v1 or v2 hierarchy under "
                + fakeRoot);
  }

  @Test
  void aReadOnlyHierarchyIsReportedAsNotWritable() throws IOException {
    Path fakeRoot = dir.resolve("read-only");
    Files.createDirectories(fakeRoot.resolve("memory"));
    Files.writeString(fakeRoot.resolve("cpu"), "not a directory");
    Files.writeString(fakeRoot.resolve("memory").resolve("capstan"), "a file blocks mkdir");

    Cgroups cgroups = Cgroups.detect(CgroupMode.AUTO, fakeRoot, "test");

    assertThat(cgroups.inUse()).isFalse();
    assertThat(cgroups.notes())
        .first()
        .asString()
        .startsWith("CPU and memory limits are not enforced: cgroups are not writable here (");
    assertThat(cgroups.notes())
        .contains("The pids limit per replica is not enforced: no writable pids controller");
  }

  private static long memoryLimit(Path cgroup) throws IOException {
    for (String file : List.of("memory.limit_in_bytes", "memory.max")) {
      if (Files.exists(cgroup.resolve(file))) {
        return Long.parseLong(Files.readString(cgroup.resolve(file)).trim());
      }
    }
    return -1;
  }

  private static String cpuQuota(Path cgroup) throws IOException {
    if (Files.exists(cgroup.resolve("cpu.cfs_quota_us"))) {
      return Files.readString(cgroup.resolve("cpu.cfs_quota_us")).trim();
    }
    if (Files.exists(cgroup.resolve("cpu.max"))) {
      return Files.readString(cgroup.resolve("cpu.max")).trim().split(" ")[0];
    }
    return "";
  }

  private Path stateDir(ReplicaFixture replica) {
    return dir.resolve("state").resolve("replicas").resolve(replica.id().key());
  }
}
