package io.capstan.server.metrics;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.TrainerStatus;
import io.capstan.server.job.TrainerProgress;
import java.time.Instant;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The latest progress each job reported (table {@code job_progress}): the report of any replica
 * replaces the one before, as the job's {@code trainerStatus}.
 */
final class ProgressStore implements TrainerProgress {
  private final JdbcClient jdbc;

  ProgressStore(JdbcClient jdbc) {
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
  }

  /** Keeps a replica's report as its job's progress. */
  void report(String jobUid, String replica, MetricJsonLines.Progress progress, long atMillis) {
    if (update(jobUid, replica, progress, atMillis)) {
      return;
    }
    try {
      jdbc.sql(
              "insert into job_progress (job_uid, replica, percent, eta_seconds, at)"
                  + " values (?, ?, ?, ?, ?)")
          .params(jobUid, replica, progress.percent(), progress.etaSeconds(), atMillis)
          .update();
    } catch (DuplicateKeyException e) {
      update(jobUid, replica, progress, atMillis); // another reader inserted it first
    }
  }

  private boolean update(
      String jobUid, String replica, MetricJsonLines.Progress progress, long atMillis) {
    return jdbc.sql(
                "update job_progress set replica = ?, percent = ?, eta_seconds = ?, at = ?"
                    + " where job_uid = ?")
            .params(replica, progress.percent(), progress.etaSeconds(), atMillis, jobUid)
            .update()
        > 0;
  }

  @Override
  public Optional<TrainerStatus> of(String jobUid) {
    return jdbc.sql("select replica, percent, eta_seconds, at from job_progress where job_uid = ?")
        .param(jobUid)
        .query(
            (rs, row) -> {
              double eta = rs.getDouble(3);
              boolean noEta = rs.wasNull();
              return new TrainerStatus(
                  (int) Math.floor(rs.getDouble(2)),
                  noEta ? null : Math.round(eta),
                  rs.getString(1),
                  Instant.ofEpochMilli(rs.getLong(4)));
            })
        .optional();
  }
}
