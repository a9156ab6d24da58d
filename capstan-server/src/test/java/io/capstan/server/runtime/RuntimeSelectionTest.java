package io.capstan.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.runtime.RuntimeContext;
import io.capstan.runtime.WorkloadRuntime;
import io.capstan.runtime.WorkloadRuntimeProvider;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@code capstan.runtime.kind}: its default, and how an unknown kind is refused. */
class RuntimeSelectionTest {
  private static RuntimeProperties bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bindOrCreate("capstan.runtime", RuntimeProperties.class);
  }

  private static RuntimeProviders onTheClassPath() {
    return RuntimeProviders.load(RuntimeSelectionTest.class.getClassLoader());
  }

  @Test
  void theLocalRuntimeIsTheDefaultAndIsOnTheClassPath() {
    assertThat(bind(Map.of()).kind()).isEqualTo("local");
    assertThat(bind(Map.of("capstan.runtime.kind", " Local ")).kind()).isEqualTo("local");
    assertThat(bind(Map.of("capstan.runtime.kind", "kubernetes")).kind()).isEqualTo("kubernetes");
    assertThat(onTheClassPath().provider("local").kind()).isEqualTo("local");
    assertThat(onTheClassPath().provider("kubernetes").kind()).isEqualTo("kubernetes");
  }

  @Test
  void aKindWithoutItsProviderNamesTheSettingAndTheKindsThereAre() {
    assertThatThrownBy(() -> onTheClassPath().provider("slurm"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Expected capstan.runtime.kind to be one of the runtimes on the class path"
                + " (kubernetes, local), but was 'slurm'");
    assertThatThrownBy(() -> new RuntimeProviders(List.of()).provider("local"))
        .hasMessage(
            "Expected capstan.runtime.kind to be one of the runtimes on the class path (none),"
                + " but was 'local'");
  }

  @Test
  void aMalformedKindIsRefused() {
    assertThatThrownBy(() -> bind(Map.of("capstan.runtime.kind", "local runtime")))
        .isInstanceOf(BindException.class)
        .rootCause()
        .hasMessage(
            "Expected capstan.runtime.kind to be a runtime's kind like 'local' or 'kubernetes',"
                + " but was 'local runtime'");
  }

  @Test
  void twoProvidersOfOneKindAreRefused() {
    assertThatThrownBy(() -> new RuntimeProviders(List.of(new Named("a"), new Named("a"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "Expected one runtime provider of kind 'a' on the class path, but found 2: ");
  }

  /** A provider that is only a kind: selection never creates a runtime. */
  private record Named(String kind) implements WorkloadRuntimeProvider {
    @Override
    public WorkloadRuntime create(RuntimeContext context) {
      throw new UnsupportedOperationException("Expected no runtime to be created by this test");
    }
  }
}
