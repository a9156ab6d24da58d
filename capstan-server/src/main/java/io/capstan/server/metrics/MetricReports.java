package io.capstan.server.metrics;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Reads a job's reports of one metric as {@link MetricsStore} kept them, for other features (the
 * experiment controller takes a trial's objective from them). Read-only.
 */
public final class MetricReports {
  /** One report: the replica that printed it, its step and its value. */
  public record Report(String replica, long step, double value) {}

  private final JdbcClient jdbc;

  public MetricReports(JdbcClient jdbc) {
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
  }

  /**
   * The kept reports of metric {@code name} of job {@code jobUid}, by replica then step (the first
   * {@link MetricsStore#MAX_POINTS} of each replica's series).
   */
  public List<Report> of(String jobUid, String name) {
    return jdbc.sql(
            "select replica, step, metric_value from job_metric_points where job_uid = ?"
                + " and name = ? order by replica, step, at")
        .params(jobUid, name)
        .query((rs, row) -> new Report(rs.getString(1), rs.getLong(2), rs.getDouble(3)))
        .list();
  }

  /** The latest value of metric {@code name} of each replica of job {@code jobUid}, by replica. */
  public List<Report> latest(String jobUid, String name) {
    return jdbc.sql(
            "select replica, step, metric_value from job_metric_last where job_uid = ?"
                + " and name = ? order by replica")
        .params(jobUid, name)
        .query((rs, row) -> new Report(rs.getString(1), rs.getLong(2), rs.getDouble(3)))
        .list();
  }
}
