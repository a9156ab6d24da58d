package io.capstan.server.metrics;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The metrics in the database: each series' latest value always, and its points up to {@link
 * #MAX_POINTS} (the first ones; the API says when a series has more). A job has at most {@link
 * #MAX_SERIES} series; later names are not kept.
 */
final class MetricsStore {
  static final int MAX_POINTS = 10_000;
  static final int MAX_SERIES = 200;

  /** A series' latest value and how many points it had in all. */
  record Last(String replica, String name, long step, double value, Instant at, long points) {}

  /** One point of a series. */
  record Point(String replica, long step, double value, Instant at) {}

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final int maxPoints;
  private final int maxSeries;

  MetricsStore(JdbcClient jdbc, TransactionTemplate tx) {
    this(jdbc, tx, MAX_POINTS, MAX_SERIES);
  }

  MetricsStore(JdbcClient jdbc, TransactionTemplate tx, int maxPoints, int maxSeries) {
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
    this.tx = requireNonNull(tx, "tx is null");
    this.maxPoints = maxPoints;
    this.maxSeries = maxSeries;
  }

  /** Whether a series of {@code points} values has more than are kept. */
  boolean truncated(long points) {
    return points > maxPoints;
  }

  /**
   * Adds values a replica printed, in order; a value without a step takes the one after the series'
   * last. Values of a job that no longer exists are dropped.
   */
  void add(String jobUid, String replica, List<MetricLine.Value> values, long atMillis) {
    tx.executeWithoutResult(
        status -> {
          for (MetricLine.Value value : values) {
            addOne(jobUid, replica, value, atMillis);
          }
        });
  }

  private void addOne(String jobUid, String replica, MetricLine.Value value, long atMillis) {
    Optional<long[]> last =
        jdbc.sql(
                "select step, points from job_metric_last where job_uid = ? and replica = ?"
                    + " and name = ?")
            .params(jobUid, replica, value.name())
            .query((rs, row) -> new long[] {rs.getLong(1), rs.getLong(2)})
            .optional();
    long step = value.step() != null ? value.step() : last.map(l -> l[0] + 1).orElse(0L);
    long points = last.map(l -> l[1]).orElse(0L) + 1;
    if (last.isPresent()) {
      jdbc.sql(
              "update job_metric_last set step = ?, metric_value = ?, at = ?, points = ?"
                  + " where job_uid = ? and replica = ? and name = ?")
          .params(step, value.value(), atMillis, points, jobUid, replica, value.name())
          .update();
    } else {
      long series =
          jdbc.sql("select count(*) from job_metric_last where job_uid = ?")
              .param(jobUid)
              .query(Long.class)
              .single();
      if (series >= maxSeries) {
        return;
      }
      jdbc.sql(
              "insert into job_metric_last (job_uid, replica, name, step, metric_value, at, points)"
                  + " values (?, ?, ?, ?, ?, ?, ?)")
          .params(jobUid, replica, value.name(), step, value.value(), atMillis, points)
          .update();
    }
    if (points <= maxPoints) {
      jdbc.sql(
              "insert into job_metric_points (job_uid, replica, name, step, metric_value, at)"
                  + " values (?, ?, ?, ?, ?, ?)")
          .params(jobUid, replica, value.name(), step, value.value(), atMillis)
          .update();
    }
  }

  /** The latest value of every series of a job, by name then replica. */
  List<Last> last(String jobUid) {
    return jdbc.sql(
            "select replica, name, step, metric_value, at, points from job_metric_last"
                + " where job_uid = ? order by name, replica")
        .param(jobUid)
        .query(
            (rs, row) ->
                new Last(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getLong(3),
                    rs.getDouble(4),
                    Instant.ofEpochMilli(rs.getLong(5)),
                    rs.getLong(6)))
        .list();
  }

  /**
   * The kept points of series {@code name} of a job, of one replica or all, by replica and step.
   */
  List<Point> points(String jobUid, String name, String replica) {
    String sql =
        "select replica, step, metric_value, at from job_metric_points where job_uid = ?"
            + " and name = ?"
            + (replica == null ? "" : " and replica = ?")
            + " order by replica, step, at";
    JdbcClient.StatementSpec statement = jdbc.sql(sql).param(jobUid).param(name);
    if (replica != null) {
      statement = statement.param(replica);
    }
    return statement
        .query(
            (rs, row) ->
                new Point(
                    rs.getString(1),
                    rs.getLong(2),
                    rs.getDouble(3),
                    Instant.ofEpochMilli(rs.getLong(4))))
        .list();
  }

  /**
   * Deletes the points of every job that finished before {@code cutoff}; the latest value of each
   * series ({@code job_metric_last}) stays. Returns how many points.
   */
  int deletePointsOfJobsFinishedBefore(Instant cutoff) {
    return jdbc.sql(
            "delete from job_metric_points where job_uid in (select uid from jobs where"
                + " finished_at is not null and finished_at < ?)")
        .param(cutoff.toEpochMilli())
        .update();
  }
}
