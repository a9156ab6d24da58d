package io.capstan.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The audit settings: defaults, binding from properties, and refused values. */
class AuditConfigTest {
  @Test
  void retentionDefaultsToNinetyDays() {
    assertThat(new AuditConfig(null).retention()).isEqualTo(Duration.ofDays(90));
    assertThat(bind(Map.of()).retention()).isEqualTo(Duration.ofDays(90));
  }

  @Test
  void retentionIsReadFromTheProperty() {
    assertThat(bind(Map.of("capstan.audit.retention", "30d")).retention())
        .isEqualTo(Duration.ofDays(30));
    assertThat(bind(Map.of("capstan.audit.retention", "1h")).retention())
        .isEqualTo(Duration.ofHours(1));
  }

  @Test
  void aRetentionUnderAnHourIsRefusedWithTheProperty() {
    assertThatThrownBy(() -> new AuditConfig(Duration.ofMinutes(59)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Expected capstan.audit.retention to be at least 1h, but was PT59M");
    assertThatThrownBy(() -> bind(Map.of("capstan.audit.retention", "0s")))
        .isInstanceOf(BindException.class)
        .rootCause()
        .hasMessageContaining("capstan.audit.retention");
  }

  private static AuditConfig bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bindOrCreate("capstan.audit", AuditConfig.class);
  }
}
