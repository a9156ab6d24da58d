package io.capstan.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.job.Resources;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaLaunchTest {
  private static final ReplicaId ID = new ReplicaId("job-1", "server-0");

  private static ReplicaLaunch.Builder launch() {
    return ReplicaLaunch.builder(ID)
        .image("capstan/serving:1")
        .command("server", "--http-port", "$(CAPSTAN_PORT_HTTP)")
        .resources(Resources.NONE)
        .workDir(Path.of("/data/work"))
        .tenant("vision");
  }

  @Test
  void secretVariablesAreVariablesOfTheEnvironmentAndSurviveToBuilder() {
    ReplicaLaunch built = launch().env("A", "1").secretEnv("TOKEN", "s3cret").build();

    assertThat(built.env()).containsEntry("TOKEN", "s3cret").containsEntry("A", "1");
    assertThat(built.secretEnv()).containsExactly("TOKEN");
    assertThat(built.toBuilder().build().secretEnv()).containsExactly("TOKEN");
    assertThat(launch().build().secretEnv()).isEmpty();
    assertThatThrownBy(() -> launch().secretEnv(java.util.Set.of("NOPE")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("secret variable of replica job-1.server-0")
        .hasMessageContaining("NOPE is not");
  }

  @Test
  void theBuilderFillsEveryComponentAndToBuilderKeepsThem() {
    ReplicaLaunch built =
        launch()
            .attempt(3)
            .env("A", "1")
            .gpuIndices(List.of(0, 1))
            .mount(Mount.readOnly(Path.of("/models/m.onnx"), "/capstan/model/m.onnx"))
            .port("http", 8080)
            .port("grpc", 9090)
            .file("/capstan/mpi/hostfile", "localhost slots=2\n")
            .readiness(ReadinessSpec.httpGet("http", "/ready"))
            .node("gpu-node-7")
            .build();

    assertThat(built.attempt()).isEqualTo(3);
    assertThat(built.node()).isEqualTo("gpu-node-7");
    assertThat(launch().build().node()).as("left to the runtime").isNull();
    assertThat(built.ports())
        .containsExactly(new PortSpec("http", 8080), new PortSpec("grpc", 9090));
    assertThat(built.files())
        .containsExactly(new FileSpec("/capstan/mpi/hostfile", "localhost slots=2\n"));
    assertThat(built.port("grpc")).contains(new PortSpec("grpc", 9090));
    assertThat(built.toBuilder().build()).isEqualTo(built);
    assertThat(built.with(List.of("other"), built.env(), Resources.NONE, List.of()))
        .isEqualTo(built.toBuilder().command("other").gpuIndices(List.of()).build());
  }

  @Test
  void commandAndArgsStayApartAndAWorkingDirectoryIsAContainerPath() {
    ReplicaLaunch argsOnly =
        launch().command(List.of()).args(List.of("--epochs=1")).workingDir("/opt/mnist").build();

    assertThat(argsOnly.command()).as("the image's entrypoint runs").isEmpty();
    assertThat(argsOnly.args()).containsExactly("--epochs=1");
    assertThat(argsOnly.workingDir()).isEqualTo("/opt/mnist");
    assertThat(argsOnly.toBuilder().build()).isEqualTo(argsOnly);
    assertThat(launch().args(List.of("--verbose")).build().commandLine())
        .containsExactly("server", "--http-port", "$(CAPSTAN_PORT_HTTP)", "--verbose");
    assertThatThrownBy(() -> launch().workingDir("opt/mnist").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Expected the working directory's container path to be absolute, normalized and not"
                + " '/', but was 'opt/mnist'");
  }

  @Test
  void aLaunchWithPortsAndAPrivateNetworkIsRefused() {
    assertThatThrownBy(() -> launch().port("http", 8080).privateNetwork(true).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Expected a replica with a private network to declare no ports (nobody could reach"
                + " them), but job-1.server-0 declares [http]");
  }

  @Test
  void theProbeMustNameADeclaredPort() {
    assertThatThrownBy(
            () ->
                launch()
                    .port("http", 8080)
                    .readiness(ReadinessSpec.httpGet("grpc", "/ready"))
                    .build())
        .hasMessage(
            "Expected the readiness probe of replica job-1.server-0 to name a declared port"
                + " [http], but it names 'grpc'");
  }

  @Test
  void portsAreDistinctAndTheirVariablesAreTheRuntimes() {
    assertThatThrownBy(() -> launch().port("http", 8080).port("http", 8081).build())
        .hasMessageContaining("port 'http' (8081) repeats one");
    assertThatThrownBy(() -> launch().port("http", 8080).port("admin", 8080).build())
        .hasMessageContaining("port 'admin' (8080) repeats one");
    assertThatThrownBy(() -> launch().env("CAPSTAN_PORT_HTTP", "1").port("http", 8080).build())
        .hasMessage(
            "Expected the environment of replica job-1.server-0 to leave CAPSTAN_PORT_HTTP to"
                + " the runtime, but it sets it");
  }

  @Test
  void aFileCannotTakeTheContainerPathOfAMount() {
    assertThatThrownBy(
            () ->
                launch()
                    .mount(Mount.readOnly(Path.of("/etc/hosts"), "/capstan/mpi/hostfile"))
                    .file("/capstan/mpi/hostfile", "x")
                    .build())
        .hasMessageContaining("file '/capstan/mpi/hostfile' is there already");
    assertThatThrownBy(() -> new FileSpec("relative/path", "x"))
        .hasMessage(
            "Expected a file's container path to be absolute, normalized and not '/', but was"
                + " 'relative/path'");
  }

  @Test
  void portNamesAreKubernetesPortNames() {
    assertThat(new PortSpec("metrics-v2", 1).envName()).isEqualTo("CAPSTAN_PORT_METRICS_V2");
    for (String bad : List.of("HTTP", "1http", "http-", "a--b", "sixteen-letters1", "")) {
      assertThatThrownBy(() -> new PortSpec(bad, 80))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> new PortSpec("http", 0))
        .hasMessage(
            "Expected the container port of port 'http' to be between 1 and 65535, but was 0");
  }

  @Test
  void aProbesHeaderValuesNeverShowInItsTextNorInTheLaunchs() {
    ReadinessSpec probe =
        ReadinessSpec.httpGet("http", "/v2/models/m/ready")
            .withHeader("Authorization", "Bearer s3cret")
            .withPeriod(Duration.ofMillis(200));
    ReplicaLaunch built = launch().port("http", 8080).readiness(probe).build();

    assertThat(probe.headers()).containsEntry("Authorization", "Bearer s3cret");
    assertThat(probe.toString()).contains("Authorization").doesNotContain("s3cret");
    assertThat(built.toString()).doesNotContain("s3cret");
    assertThatThrownBy(() -> probe.withHeader("X-Evil", "a\r\nHost: b"))
        .hasMessageContaining("'X-Evil' to be one line");
    assertThatThrownBy(() -> ReadinessSpec.httpGet("http", "ready"))
        .hasMessageContaining("to start with '/'");
  }
}
