package io.capstan.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.runtime.local.SandboxConfig;
import io.capstan.runtime.local.SandboxMode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** How the server's settings and flags choose the replicas' sandbox. */
class SandboxSettingsTest {
  private static final Path DATA = Path.of("/srv/capstan");

  @Test
  void theDefaultSandboxesEveryReplicaAndHidesTheDataDirectory() {
    SandboxConfig sandbox = RuntimeConfiguration.sandbox("bubblewrap", 4096, false, DATA);

    assertThat(sandbox.mode()).isEqualTo(SandboxMode.BUBBLEWRAP);
    assertThat(sandbox.hidden()).containsExactly(DATA);
    assertThat(sandbox.pidsMax()).isEqualTo(4096);
  }

  @Test
  void noSandboxNeedsTheOperatorToTrustEveryJob() {
    assertThatThrownBy(() -> RuntimeConfiguration.sandbox("none", 0, false, DATA))
        .hasMessageContaining("only with --trust-all-jobs");
    assertThat(RuntimeConfiguration.sandbox("none", 0, true, DATA).mode())
        .isEqualTo(SandboxMode.NONE);
    assertThatThrownBy(() -> RuntimeConfiguration.sandbox("docker", 0, true, DATA))
        .hasMessage(
            "Expected capstan.runtime.local.sandbox to be 'bubblewrap' or 'none', but was 'docker'");
  }
}
