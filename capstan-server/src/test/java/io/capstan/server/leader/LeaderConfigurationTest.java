package io.capstan.server.leader;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Replicas electing a leader must share their database. */
class LeaderConfigurationTest {
  @Test
  void anEmbeddedH2DatabaseIsRefusedAndASharedOneAccepted() {
    assertThatThrownBy(
            () -> LeaderConfiguration.requireSharedDatabase("jdbc:h2:file:/var/lib/capstan/db"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("spring.datasource.url is an embedded H2 database");

    assertThatCode(
            () -> LeaderConfiguration.requireSharedDatabase("jdbc:postgresql://db:5432/capstan"))
        .doesNotThrowAnyException();
    assertThatCode(() -> LeaderConfiguration.requireSharedDatabase("jdbc:h2:tcp://db/capstan"))
        .doesNotThrowAnyException();
  }
}
