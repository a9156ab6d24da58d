package io.capstan.scheduler.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SvgChartTest {
  private static final Instant T0 = Instant.parse("2017-10-01T00:00:00Z");

  @Test
  void drawsOneLineAndLegendEntryPerSeries() {
    SvgChart chart = new SvgChart("GPU <allocation>", T0, Duration.ofDays(2), 8000);
    List<AllocationSample> samples =
        List.of(new AllocationSample(T0, 4000), new AllocationSample(T0.plusSeconds(3600), 8000));

    String svg =
        chart.render(
            List.of(new SvgChart.Series("FIFO", samples), new SvgChart.Series("LAS", samples)));

    assertThat(svg).startsWith("<svg").endsWith("</svg>\n");
    assertThat(svg.split("<polyline", -1)).hasSize(3);
    assertThat(svg).contains(">FIFO</text>", ">LAS</text>", "GPU &lt;allocation&gt;");
    assertThat(svg).contains("days since 2017-10-01T00:00:00Z");
  }

  @Test
  void bucketsAreTimeWeightedAverages() {
    SvgChart chart = new SvgChart("t", T0, Duration.ofHours(2), 8000);
    List<AllocationSample> samples =
        List.of(
            new AllocationSample(T0, 2000),
            new AllocationSample(T0.plusSeconds(1800), 6000),
            new AllocationSample(T0.plusSeconds(3600), 0));

    double[] buckets = chart.bucketAverages(samples, 2);

    assertThat(buckets[0]).isCloseTo(4000, within(1e-9));
    assertThat(buckets[1]).isCloseTo(0, within(1e-9));
  }
}
