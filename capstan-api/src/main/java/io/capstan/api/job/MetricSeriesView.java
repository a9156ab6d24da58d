package io.capstan.api.job;

import java.time.Instant;
import java.util.List;

/**
 * The points of one metric of a job, by replica and step.
 *
 * @param truncated whether the series has more points than are kept (the first 10,000 of each
 *     replica's series are; the latest value is always in {@link JobMetricsView})
 */
public record MetricSeriesView(String job, String name, List<Point> points, boolean truncated) {
  public MetricSeriesView {
    points = List.copyOf(points);
  }

  /** One value. */
  public record Point(String replica, long step, double value, Instant time) {}
}
