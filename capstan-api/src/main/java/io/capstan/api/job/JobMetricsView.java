package io.capstan.api.job;

import java.time.Instant;
import java.util.List;

/**
 * A job's training metrics: the latest value of every series its replicas printed ({@code
 * accuracy=0.91}, as Katib's StdOut collector reads them).
 *
 * @param job the job's name
 * @param metrics one row per metric name and replica, by name then replica
 */
public record JobMetricsView(String job, List<Latest> metrics) {
  public JobMetricsView {
    metrics = List.copyOf(metrics);
  }

  /**
   * A series' latest value.
   *
   * @param step the step the line named ({@code step=}, {@code epoch=}), else the count of values
   *     before it
   * @param points how many values the series had in all
   */
  public record Latest(
      String name, String replica, long step, double value, Instant time, long points) {}
}
