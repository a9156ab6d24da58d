package io.capstan.server.serving;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When a serving replica enters and leaves its service's routes. */
class ReadyReplicasTest {
  private final ReadyReplicas replicas = new ReadyReplicas();

  @Test
  void readyAtTheFirstAnsweredProbe() {
    replicas.probed("a", false);
    assertThat(replicas.contains("a")).as("never answered yet").isFalse();

    replicas.probed("a", true);
    assertThat(replicas.contains("a")).isTrue();
  }

  @Test
  void aBusyReplicaStaysUntilThreeProbesInARowGoUnanswered() {
    replicas.probed("a", true);

    replicas.probed("a", false);
    replicas.probed("a", false);
    assertThat(replicas.contains("a")).as("two slow probes").isTrue();
    replicas.probed("a", true);
    replicas.probed("a", false);
    replicas.probed("a", false);
    assertThat(replicas.contains("a")).as("an answer in between starts the count again").isTrue();

    replicas.probed("a", false);
    assertThat(replicas.contains("a")).isFalse();
  }

  @Test
  void aReplicaWhoseProcessIsGoneLeavesAtOnce() {
    replicas.probed("a", true);
    replicas.probed("a", false);

    replicas.gone("a");

    assertThat(replicas.contains("a")).isFalse();
    replicas.probed("a", true);
    replicas.probed("a", false);
    assertThat(replicas.contains("a")).as("a new run counts failures from zero").isTrue();
  }
}
