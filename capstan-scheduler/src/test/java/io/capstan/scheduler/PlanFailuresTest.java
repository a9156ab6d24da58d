package io.capstan.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PlanFailuresTest {
  private final PlanFailures<String> failures = new PlanFailures<>();

  @Test
  void hopelessFailuresOutlastALossOfRoomAndOthersDoNot() {
    failures.add("hopeless", true);
    failures.add("search", false);
    assertThat(failures.contains("hopeless")).isTrue();
    assertThat(failures.contains("search")).isTrue();
    assertThat(failures.contains("other")).isFalse();

    failures.lostRoom();
    assertThat(failures.contains("hopeless")).isTrue();
    assertThat(failures.contains("search")).isFalse();

    failures.changed();
    assertThat(failures.contains("hopeless")).isFalse();
  }
}
