package io.capstan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void parsesUnitsAndCompounds() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
  }

  @Test
  void rejectsWhatIsNotADuration() {
    for (String bad : new String[] {"10", "m", "ten minutes", "1.5h", "-1s", ""}) {
      assertThatThrownBy(() -> Durations.parse(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "Expected a duration such as 500ms, 30s, 10m, 1h or 2d, but was '" + bad + "'");
    }
  }

  @Test
  void formatsAgesInTheirLargestWholeUnit() {
    assertThat(Durations.age(Duration.ofSeconds(5))).isEqualTo("5s");
    assertThat(Durations.age(Duration.ofSeconds(59))).isEqualTo("59s");
    assertThat(Durations.age(Duration.ofSeconds(200))).isEqualTo("3m");
    assertThat(Durations.age(Duration.ofMinutes(150))).isEqualTo("2h");
    assertThat(Durations.age(Duration.ofHours(100))).isEqualTo("4d");
    assertThat(Durations.age(Duration.ofSeconds(-3))).isEqualTo("0s");
  }

  @Test
  void formatsDurationsForMessages() {
    assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(Durations.format(Duration.ofSeconds(30))).isEqualTo("30s");
    assertThat(Durations.format(Duration.ofMinutes(10))).isEqualTo("10m");
    assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
  }
}
