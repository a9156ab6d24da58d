package io.capstan.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Lines as training scripts print them, read as Katib's StdOut collector reads them. */
class MetricLineTest {
  @Test
  void katibsFormatGivesEveryNumericPairAndTheStepOfTheLine() {
    assertThat(MetricLine.parse("epoch=3 accuracy=0.91 loss = 1.5e-3 lr=-2"))
        .containsExactly(
            new MetricLine.Value("accuracy", 0.91, 3L),
            new MetricLine.Value("loss", 1.5e-3, 3L),
            new MetricLine.Value("lr", -2, 3L));
    assertThat(MetricLine.parse("Validation-accuracy=0.8 step=120"))
        .containsExactly(new MetricLine.Value("Validation-accuracy", 0.8, 120L));
  }

  @Test
  void wordsLinksAndLinesWithoutPairsGiveNothing() {
    assertThat(MetricLine.parse("rank 0/2 epoch 1 loss 0.25")).isEmpty();
    assertThat(MetricLine.parse("see http://host/x?mode=fast&a=")).isEmpty();
    assertThat(MetricLine.parse("")).isEmpty();
  }
}
