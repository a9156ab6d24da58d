package io.capstan.runtime.local;

import static io.capstan.runtime.local.ReplicaFixture.replica;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capstan.runtime.Endpoint;
import io.capstan.runtime.ReadinessSpec;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.ReplicaObservation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the local runtime keeps of ports and probes in its state directory, across a restart. */
class LocalReadinessTest {
  private static final String SECRET = "Bearer s3cret-of-the-replica";

  @TempDir Path dir;
  private final List<LocalRuntime> runtimes = new ArrayList<>();

  @AfterEach
  void tearDown() {
    LocalRuntime cleaner = open();
    cleaner.observeAll().stream().map(o -> o.id().jobUid()).distinct().forEach(cleaner::release);
    runtimes.forEach(LocalRuntime::close);
  }

  @Test
  void aRestartedRuntimeStillSeesTheEndpointsAndProbesTheReplicaItReadopts() throws IOException {
    LocalRuntime first = open();
    ReplicaFixture fixture = replica(dir, "svc-1", "server-0");
    ReplicaLaunch launch =
        fixture.build().toBuilder()
            .command(
                "/usr/bin/python3",
                "-c",
                LocalRuntimeContractTest.SERVER,
                "$(CAPSTAN_PORT_HTTP)",
                "/ready",
                SECRET)
            .port("http", 8080)
            .readiness(
                ReadinessSpec.httpGet("http", "/ready")
                    .withHeader("Authorization", SECRET)
                    .withPeriod(Duration.ofMillis(50)))
            .build();
    first.launch(launch);
    ReplicaObservation ready =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> observe(first, fixture.id()), ReplicaObservation::ready);
    Endpoint http = ready.endpoints().get("http");
    first.close();

    LocalRuntime second = open();
    ReplicaObservation readopted = observe(second, fixture.id());
    assertThat(readopted.endpoints()).containsEntry("http", http);
    await().atMost(Duration.ofSeconds(20)).until(() -> observe(second, fixture.id()).ready());
    assertThat(http.host()).isEqualTo("127.0.0.1");
    assertThat(fixture.log(second)).contains("serving on " + http.port());
  }

  @Test
  void theProbesHeadersAreKeptReadableByTheRuntimesUserOnly() throws IOException {
    LocalRuntime runtime = open();
    ReplicaFixture fixture = replica(dir, "svc-1", "server-0").sh("exec sleep infinity");
    runtime.launch(
        fixture.build().toBuilder()
            .port("http", 8080)
            .readiness(ReadinessSpec.httpGet("http", "/ready").withHeader("Authorization", SECRET))
            .build());

    Path state = dir.resolve("state/replicas").resolve(fixture.id().key());
    assertThat(Files.getPosixFilePermissions(state.resolve("readiness.properties")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.readString(state.resolve("launch.properties"))).doesNotContain("s3cret");
    assertThat(fixture.log(runtime)).doesNotContain("s3cret");
    assertThat(observe(runtime, fixture.id()).ready()).isFalse();
  }

  @Test
  void aProbeTheRuntimeCannotSendIsRefusedBeforeTheReplicaStarts() {
    LocalRuntime runtime = open();
    ReplicaFixture fixture = replica(dir, "svc-1", "server-0").sh("exec sleep infinity");
    ReplicaLaunch launch =
        fixture.build().toBuilder()
            .port("http", 8080)
            .readiness(ReadinessSpec.httpGet("http", "/ready").withHeader("Host", "example.com"))
            .build();

    assertThatThrownBy(() -> runtime.launch(launch))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Expected readiness headers the local runtime can send, but [Host] holds one it"
                + " cannot");
    assertThat(runtime.observe("svc-1")).isEmpty();
  }

  private static ReplicaObservation observe(LocalRuntime runtime, ReplicaId id) {
    return runtime.observe(id.jobUid()).stream()
        .filter(o -> o.id().equals(id))
        .findFirst()
        .orElseThrow();
  }

  private LocalRuntime open() {
    LocalRuntime opened =
        new LocalRuntime(
            LocalRuntimeConfig.defaults(dir.resolve("state"))
                .withGpus("none")
                .withSandbox(SandboxConfig.none()));
    runtimes.add(opened);
    return opened;
  }
}
