package io.capstan.scheduler.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DistributionTest {
  @Test
  void meanAndNearestRankPercentiles() {
    Distribution values = Distribution.of(5, 1, 4, 2, 3, 10, 9, 8, 7, 6);

    assertThat(values.mean()).isEqualTo(5.5);
    assertThat(values.percentile(50)).isEqualTo(5);
    assertThat(values.percentile(90)).isEqualTo(9);
    assertThat(values.percentile(99)).isEqualTo(10);
    assertThat(values.percentile(10)).isEqualTo(1);
    assertThat(values.max()).isEqualTo(10);
  }

  @Test
  void percentileOfOneHundredValues() {
    double[] values = new double[100];
    for (int i = 0; i < 100; i++) {
      values[i] = i + 1;
    }
    assertThat(Distribution.of(values).percentile(99)).isEqualTo(99);
    assertThat(Distribution.of(values).percentile(50)).isEqualTo(50);
  }

  @Test
  void jainIndexOnKnownNumbers() {
    assertThat(Distribution.of(3, 3, 3, 3).jainIndex()).isEqualTo(1.0);
    assertThat(Distribution.of(1, 0, 0, 0).jainIndex()).isEqualTo(0.25);
    // (1 + 2 + 3)^2 / (3 * (1 + 4 + 9)) = 36 / 42
    assertThat(Distribution.of(1, 2, 3).jainIndex()).isCloseTo(36.0 / 42, within(1e-12));
  }

  @Test
  void emptyIsZeroAndFair() {
    Distribution empty = Distribution.of();
    assertThat(empty.mean()).isZero();
    assertThat(empty.percentile(99)).isZero();
    assertThat(empty.jainIndex()).isEqualTo(1.0);
  }
}
