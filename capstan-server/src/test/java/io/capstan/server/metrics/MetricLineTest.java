package io.capstan.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
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

  @Test
  void aKatibTextFileLineIsReadByTheDefaultFilterWithItsLeadingTimestamp() {
    MetricJsonLines.Entry entry =
        MetricLine.textLine("2026-12-07T05:00:00Z epoch 2: accuracy=0.75 loss=0.5", List.of());
    assertThat(entry.values())
        .containsExactly(
            new MetricLine.Value("accuracy", 0.75, null), new MetricLine.Value("loss", 0.5, null));
    assertThat(entry.atMillis()).isEqualTo(Instant.parse("2026-12-07T05:00:00Z").toEpochMilli());
    assertThat(MetricLine.textLine("accuracy=0.75", List.of()).atMillis()).isNull();
  }

  @Test
  void aKatibTextFileLineIsReadByTheSpecsFiltersOnly() {
    // Katib's file-metrics-collector example: "{metricName: ([\w|-]+), metricValue:
    // ((-?\d+)(\.\d+)?)}"
    List<Pattern> filters =
        List.of(Pattern.compile("\\{metricName: ([\\w|-]+), metricValue: ((-?\\d+)(\\.\\d+)?)\\}"));
    MetricJsonLines.Entry entry =
        MetricLine.textLine(
            "{metricName: accuracy, metricValue: 0.8921} {metricName: loss, metricValue: 0.31}"
                + " step=3 other=2",
            filters);
    assertThat(entry.values())
        .containsExactly(
            new MetricLine.Value("accuracy", 0.8921, null),
            new MetricLine.Value("loss", 0.31, null));
    // As Katib's mnist.py logs it: a time, the level, the pair.
    MetricJsonLines.Entry logged =
        MetricLine.textLine(
            "2026-12-07T05:00:00Z INFO     {metricName: accuracy, metricValue: 0.9}", filters);
    assertThat(logged.values()).containsExactly(new MetricLine.Value("accuracy", 0.9, null));
    assertThat(logged.atMillis()).isEqualTo(Instant.parse("2026-12-07T05:00:00Z").toEpochMilli());
    // A filter whose value group does not parse as a number gives nothing.
    assertThat(
            MetricLine.textLine("accuracy: n/a", List.of(Pattern.compile("(\\w+):\\s*(\\S+)")))
                .values())
        .isEmpty();
    // The step names keep their meaning under a filter.
    assertThat(
            MetricLine.textLine(
                    "epoch: 4 loss: 0.2", List.of(Pattern.compile("(\\w+):\\s*([0-9.]+)")))
                .values())
        .containsExactly(new MetricLine.Value("loss", 0.2, 4L));
  }

  @Test
  void aKatibJsonFileLineGivesItsNumericKeysAndNotItsTimestamp() {
    // Katib's JSON format writes values as strings, with a timestamp in seconds.
    MetricJsonLines.Entry entry =
        MetricJsonLines.line("{\"loss\": \"0.22\", \"acc\": 0.9, \"timestamp\": 1700000000.5}");
    assertThat(entry.values())
        .containsExactly(
            new MetricLine.Value("loss", 0.22, null), new MetricLine.Value("acc", 0.9, null));
    assertThat(entry.atMillis()).isEqualTo(1_700_000_000_500L);
  }
}
