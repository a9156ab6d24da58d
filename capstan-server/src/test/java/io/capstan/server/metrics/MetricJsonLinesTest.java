package io.capstan.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The JSON lines of {@code CAPSTAN_METRICS_FILE}, as the helper and hand-written scripts write. */
class MetricJsonLinesTest {
  private static MetricJsonLines.Parsed parse(String text, boolean last) {
    return MetricJsonLines.parse(text.getBytes(StandardCharsets.UTF_8), last);
  }

  @Test
  void numbersAreMetricsAndStepAndTimestampSayWhen() {
    MetricJsonLines.Parsed parsed =
        parse(
            "{\"step\": 3, \"loss\": 0.2, \"accuracy\": 0.9, \"timestamp\": 1700000000.5}\n"
                + "{\"epoch\": 4, \"loss\": \"0.1\", \"note\": \"fine\", \"ok\": true,"
                + " \"timestamp\": \"2026-12-07T01:00:00Z\"}\n"
                + "{\"global_step\": 5, \"lr\": 1e-3}\n",
            false);

    assertThat(parsed.skipped()).isZero();
    assertThat(parsed.entries()).hasSize(3);
    assertThat(parsed.entries().get(0).values())
        .extracting(MetricLine.Value::name, MetricLine.Value::value, MetricLine.Value::step)
        .containsExactly(tuple("loss", 0.2, 3L), tuple("accuracy", 0.9, 3L));
    assertThat(parsed.entries().get(0).atMillis()).isEqualTo(1_700_000_000_500L);
    assertThat(parsed.entries().get(1).values())
        .as("Katib's JSON collector writes numbers as strings; other values are not metrics")
        .extracting(MetricLine.Value::name, MetricLine.Value::value, MetricLine.Value::step)
        .containsExactly(tuple("loss", 0.1, 4L));
    assertThat(parsed.entries().get(1).atMillis()).isEqualTo(1_796_605_200_000L);
    assertThat(parsed.entries().get(2).values())
        .extracting(MetricLine.Value::name, MetricLine.Value::step)
        .containsExactly(tuple("lr", 5L));
    assertThat(parsed.entries().get(2).atMillis()).isNull();
  }

  @Test
  void aMalformedLineIsSkippedAndCountedAndTheRestRead() {
    MetricJsonLines.Parsed parsed =
        parse(
            "{\"loss\": 1}\nloss=2\n[1, 2]\n\n{\"loss\": 3\n{\"loss\": NaN}\n{\"loss\": 4}\n",
            false);

    assertThat(parsed.skipped()).isEqualTo(4);
    assertThat(parsed.entries())
        .flatExtracting(MetricJsonLines.Entry::values)
        .extracting(MetricLine.Value::value)
        .containsExactly(1.0, 4.0);
  }

  @Test
  void aLineWithoutItsNewlineWaitsUnlessTheFileIsFinal() {
    String text = "{\"loss\": 1}\n{\"loss\": 2}";

    MetricJsonLines.Parsed growing = parse(text, false);
    MetricJsonLines.Parsed last = parse(text, true);

    assertThat(growing.entries()).hasSize(1);
    assertThat(growing.consumed()).isEqualTo("{\"loss\": 1}\n".length());
    assertThat(last.entries()).hasSize(2);
    assertThat(last.consumed()).isEqualTo(text.length());
  }

  @Test
  void progressIsReadAndBounded() {
    MetricJsonLines.Parsed parsed =
        parse(
            "{\"progress\": {\"percent\": 40, \"eta_seconds\": 120}}\n"
                + "{\"progress\": {\"percent\": 140}}\n"
                + "{\"progress\": {\"eta_seconds\": 1}}\n",
            false);

    assertThat(parsed.entries())
        .extracting(MetricJsonLines.Entry::progress)
        .containsExactly(
            new MetricJsonLines.Progress(40, 120.0), new MetricJsonLines.Progress(100, null));
    assertThat(parsed.entries().get(0).values()).isEmpty();
  }
}
