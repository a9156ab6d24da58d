package io.capstan.server.metrics;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * How far each metric file of a replica was read, and how many of its lines or records were skipped
 * (table {@code job_metric_files}); written in the transaction that stores what was read.
 */
final class MetricFileOffsets {
  /** Where a file was read to and what it had skipped by then. */
  record Offset(long offset, long skipped) {}

  private final JdbcClient jdbc;

  MetricFileOffsets(JdbcClient jdbc) {
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
  }

  Optional<Offset> get(String jobUid, String replica, String path) {
    return jdbc.sql(
            "select read_offset, skipped from job_metric_files where job_uid = ? and replica = ?"
                + " and path = ?")
        .params(jobUid, replica, path)
        .query((rs, row) -> new Offset(rs.getLong(1), rs.getLong(2)))
        .optional();
  }

  void put(String jobUid, String replica, String path, Offset offset) {
    int updated =
        jdbc.sql(
                "update job_metric_files set read_offset = ?, skipped = ? where job_uid = ?"
                    + " and replica = ? and path = ?")
            .params(offset.offset(), offset.skipped(), jobUid, replica, path)
            .update();
    if (updated == 0) {
      jdbc.sql(
              "insert into job_metric_files (job_uid, replica, path, read_offset, skipped)"
                  + " values (?, ?, ?, ?, ?)")
          .params(jobUid, replica, path, offset.offset(), offset.skipped())
          .update();
    }
  }

  /** The lines and records skipped in all of a job's metric files. */
  long skipped(String jobUid) {
    return jdbc.sql("select coalesce(sum(skipped), 0) from job_metric_files where job_uid = ?")
        .param(jobUid)
        .query(Long.class)
        .single();
  }
}
