package io.capstan.scheduler.simulation;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A self-contained SVG line chart of GPU allocation over time, one line per run (e.g. per policy),
 * with axes in days and GPUs, a dashed capacity line and a legend. Each line is the time-weighted
 * average allocation over buckets of one pixel column.
 */
public final class SvgChart {
  private static final int WIDTH = 960;
  private static final int HEIGHT = 480;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;
  private static final String[] COLORS = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"
  };

  /** One line: a run's name and its allocation samples in time order. */
  public record Series(String name, List<AllocationSample> samples) {
    public Series {
      requireNonNull(name, "name is null");
      samples = List.copyOf(samples);
    }
  }

  private final String title;
  private final Instant start;
  private final Duration span;
  private final long capacityGpuMilli;

  /** A chart of {@code [start, start + span)} with a y axis up to the capacity. */
  public SvgChart(String title, Instant start, Duration span, long capacityGpuMilli) {
    this.title = requireNonNull(title, "title is null");
    this.start = requireNonNull(start, "start is null");
    this.span = requireNonNull(span, "span is null");
    if (span.isZero() || span.isNegative() || capacityGpuMilli <= 0) {
      throw new IllegalArgumentException(
          "Expected a positive span and capacity, but were " + span + " and " + capacityGpuMilli);
    }
    this.capacityGpuMilli = capacityGpuMilli;
  }

  /** The SVG document. */
  public String render(List<Series> series) {
    StringBuilder svg = new StringBuilder();
    svg.append(
        format(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
            WIDTH, HEIGHT, WIDTH, HEIGHT));
    svg.append(format("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
    svg.append(
        format(
            "<text x=\"%d\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">%s</text>%n",
            WIDTH / 2, escape(title)));
    axes(svg);
    double capacityY = y(capacityGpuMilli);
    svg.append(
        format(
            "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#888\" "
                + "stroke-dasharray=\"6 4\"/>%n",
            LEFT, capacityY, WIDTH - RIGHT, capacityY));
    for (int i = 0; i < series.size(); i++) {
      line(svg, series.get(i), COLORS[i % COLORS.length]);
    }
    legend(svg, series);
    svg.append("</svg>\n");
    return svg.toString();
  }

  private void axes(StringBuilder svg) {
    int plotBottom = HEIGHT - BOTTOM;
    svg.append(
        format(
            "<path d=\"M%d %d V%d H%d\" fill=\"none\" stroke=\"black\"/>%n",
            LEFT, TOP, plotBottom, WIDTH - RIGHT));
    long capacityGpus = capacityGpuMilli / 1000;
    for (int i = 0; i <= 5; i++) {
      double gpus = capacityGpus * i / 5.0;
      double y = y((long) (gpus * 1000));
      svg.append(
          format(
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                  + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>%n",
              LEFT + 1, y, WIDTH - RIGHT, y, LEFT - 6, y + 4, gpus));
    }
    double days = span.toMillis() / 86_400_000.0;
    double step = niceStep(days / 8);
    for (double day = 0; day <= days + 1e-9; day += step) {
      double x = LEFT + day / days * plotWidth();
      svg.append(
          format(
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\"/>"
                  + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
              x, plotBottom, x, plotBottom + 5, x, plotBottom + 18, trim(day)));
    }
    svg.append(
        format(
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">days since %s</text>%n",
            LEFT + plotWidth() / 2, HEIGHT - 10, start));
    svg.append(
        format(
            "<text x=\"16\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 16 %d)\">"
                + "GPUs allocated (dashed: capacity %d)</text>%n",
            TOP + plotHeight() / 2, TOP + plotHeight() / 2, capacityGpus));
  }

  private void line(StringBuilder svg, Series series, String color) {
    double[] buckets = bucketAverages(series.samples(), plotWidth());
    StringBuilder points = new StringBuilder();
    for (int i = 0; i < buckets.length; i++) {
      points.append(format("%d,%.1f ", LEFT + i, y((long) buckets[i])));
    }
    svg.append(
        format(
            "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>%n",
            color, points.toString().strip()));
  }

  private void legend(StringBuilder svg, List<Series> series) {
    int x = WIDTH - RIGHT - 190;
    for (int i = 0; i < series.size(); i++) {
      int y = TOP + 12 + i * 18;
      svg.append(
          format(
              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>"
                  + "<text x=\"%d\" y=\"%d\">%s</text>%n",
              x,
              y - 4,
              x + 24,
              y - 4,
              COLORS[i % COLORS.length],
              x + 30,
              y,
              escape(series.get(i).name())));
    }
  }

  /** Time-weighted average allocation over {@code count} equal buckets of the span. */
  double[] bucketAverages(List<AllocationSample> samples, int count) {
    double[] sums = new double[count];
    double bucketMillis = span.toMillis() / (double) count;
    for (int i = 0; i < samples.size(); i++) {
      AllocationSample sample = samples.get(i);
      double from = Math.max(0, Duration.between(start, sample.time()).toMillis());
      double to =
          i + 1 < samples.size()
              ? Duration.between(start, samples.get(i + 1).time()).toMillis()
              : span.toMillis();
      to = Math.min(to, span.toMillis());
      for (double t = from; t < to; ) {
        int bucket = Math.min(count - 1, (int) (t / bucketMillis));
        double end = Math.min(to, (bucket + 1) * bucketMillis);
        if (end <= t) {
          break;
        }
        sums[bucket] += sample.gpuMilli() * (end - t);
        t = end;
      }
    }
    for (int i = 0; i < count; i++) {
      sums[i] /= bucketMillis;
    }
    return sums;
  }

  private double y(long gpuMilli) {
    return HEIGHT - BOTTOM - (double) gpuMilli / capacityGpuMilli * plotHeight() * 0.9;
  }

  private static int plotWidth() {
    return WIDTH - LEFT - RIGHT;
  }

  private static int plotHeight() {
    return HEIGHT - TOP - BOTTOM;
  }

  private static double niceStep(double raw) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))));
    for (double factor : new double[] {1, 2, 5, 10}) {
      if (raw <= factor * magnitude) {
        return factor * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static String trim(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : format("%.1f", value);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
