package io.capstan.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VictimBoundTest {
  @Test
  void sumsTheLargestValues() {
    long[] values = {1, 8, 1, 4, 8, 2, 1};
    assertThat(VictimBound.sumOfLargest(values, 2)).isEqualTo(16);
    assertThat(VictimBound.sumOfLargest(values, 3)).isEqualTo(20);
    assertThat(VictimBound.sumOfLargest(values, 7)).isEqualTo(25);
    assertThat(VictimBound.sumOfLargest(values, 100)).isEqualTo(25);
    assertThat(VictimBound.sumOfLargest(values, 0)).isZero();
    assertThat(VictimBound.sumOfLargest(new long[] {5, 4, 3, 2, 1}, 2)).isEqualTo(9);
    assertThat(VictimBound.sumOfLargest(new long[] {1, 2, 3, 4, 5}, 2)).isEqualTo(9);
  }
}
