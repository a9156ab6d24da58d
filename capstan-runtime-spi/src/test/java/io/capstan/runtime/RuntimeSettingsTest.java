package io.capstan.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The read-only view of one runtime's settings, and the context a provider gets. */
class RuntimeSettingsTest {
  @Test
  void aSettingIsLookedUpByItsFullNameAndTrimmed() {
    Map<String, String> environment =
        Map.of("capstan.runtime.local.gpus", " 0,1 ", "capstan.runtime.kind", "local");
    RuntimeSettings settings = RuntimeSettings.of("capstan.runtime.local.", environment::get);

    assertThat(settings.prefix()).isEqualTo("capstan.runtime.local.");
    assertThat(settings.property("pids-max")).isEqualTo("capstan.runtime.local.pids-max");
    assertThat(settings.get("gpus")).contains("0,1");
    assertThat(settings.get("pids-max")).isEmpty();
  }

  @Test
  void aMapHoldsTheNamesWithoutThePrefix() {
    RuntimeSettings settings = RuntimeSettings.of("capstan.runtime.local.", Map.of("gpus", "none"));

    assertThat(settings.get("gpus")).contains("none");
    assertThat(settings.get("sandbox")).isEmpty();
  }

  @Test
  void aPrefixEndsInADot() {
    assertThatThrownBy(() -> RuntimeSettings.of("capstan.runtime.local", Map.of()))
        .hasMessage("Expected a settings prefix ending in '.', but was 'capstan.runtime.local'");
  }

  @Test
  void theContextHoldsAbsolutePaths() {
    RuntimeContext context =
        new RuntimeContext(
            Path.of("data/../data"),
            Path.of("home"),
            false,
            RuntimeSettings.of("capstan.runtime.local.", Map.of()));

    assertThat(context.dataDir()).isEqualTo(Path.of("data").toAbsolutePath());
    assertThat(context.home()).isEqualTo(Path.of("home").toAbsolutePath());
  }
}
