package io.capstan.server.notebook;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The last user activity of each notebook as every control-plane replica saw it, in the database
 * ({@code notebook_activity}), so the leader's culler knows of requests a follower proxied. A time
 * only moves forward; a notebook deleted meanwhile is ignored.
 */
final class NotebookActivityStore {
  private final JdbcClient jdbc;

  NotebookActivityStore(JdbcClient jdbc) {
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
  }

  /** Notebook {@code uid} was active at {@code at} (kept unless a later time is stored). */
  void record(String uid, Instant at) {
    long millis = at.toEpochMilli();
    if (raise(uid, millis) > 0 || last(uid).isPresent()) {
      return;
    }
    try {
      jdbc.sql("insert into notebook_activity (notebook_uid, last_activity) values (?, ?)")
          .params(uid, millis)
          .update();
    } catch (DataIntegrityViolationException e) {
      // Another replica inserted it first (then move it forward), or the notebook is gone.
      raise(uid, millis);
    }
  }

  private int raise(String uid, long millis) {
    return jdbc.sql(
            "update notebook_activity set last_activity = ? where notebook_uid = ?"
                + " and last_activity < ?")
        .params(millis, uid, millis)
        .update();
  }

  /** The last activity any replica recorded for notebook {@code uid}. */
  Optional<Instant> last(String uid) {
    return jdbc.sql("select last_activity from notebook_activity where notebook_uid = ?")
        .param(uid)
        .query(Long.class)
        .optional()
        .map(Instant::ofEpochMilli);
  }

  /** Forgets notebook {@code uid}'s activity (stopped: it counts afresh when it starts). */
  void forget(String uid) {
    jdbc.sql("delete from notebook_activity where notebook_uid = ?").param(uid).update();
  }
}
