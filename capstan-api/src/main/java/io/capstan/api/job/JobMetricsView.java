package io.capstan.api.job;

import java.time.Instant;
import java.util.List;

/**
 * A job's training metrics: the latest value of every series its replicas reported: printed ({@code
 * accuracy=0.91}, as Katib's StdOut collector reads them), written to their metrics file ({@code
 * CAPSTAN_METRICS_FILE}) or to TensorBoard event files.
 *
 * @param job the job's name
 * @param metrics one row per metric name and replica, by name then replica
 * @param skipped malformed lines of the metrics files and unreadable records of the event files,
 *     passed over
 */
public record JobMetricsView(String job, List<Latest> metrics, long skipped) {
  public JobMetricsView {
    metrics = List.copyOf(metrics);
  }

  /** A view with nothing skipped. */
  public JobMetricsView(String job, List<Latest> metrics) {
    this(job, metrics, 0);
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
