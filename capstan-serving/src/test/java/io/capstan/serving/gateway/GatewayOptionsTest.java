package io.capstan.serving.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The gateway's flags: defaults, and errors that name the flag. */
class GatewayOptionsTest {
  @Test
  void defaults() {
    GatewayOptions options = GatewayOptions.parse("--state-dir", "/tmp/g");
    assertThat(options.stateDir()).isEqualTo(Path.of("/tmp/g"));
    assertThat(options.host()).isEqualTo("127.0.0.1");
    assertThat(options.httpPort()).isEqualTo(7072);
    assertThat(options.grpcPort()).isEqualTo(7071);
    assertThat(options.controlPlane()).isNull();
    assertThat(options.requestTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(options.exitWith()).isZero();
  }

  @Test
  void badFlagsAreNamed() {
    assertThatThrownBy(() -> GatewayOptions.parse("--http-port", "0"))
        .hasMessageContaining("--state-dir");
    assertThatThrownBy(() -> GatewayOptions.parse("--state-dir", "d", "--grpc-port", "70000"))
        .hasMessage("--grpc-port: expected a port from 0 to 65535, but was 70000");
    assertThatThrownBy(() -> GatewayOptions.parse("--state-dir", "d", "--nope", "1"))
        .hasMessage("unknown flag '--nope'");
    assertThatThrownBy(() -> GatewayOptions.parse("--state-dir"))
        .hasMessageContaining("--state-dir: expected a value");
  }
}
