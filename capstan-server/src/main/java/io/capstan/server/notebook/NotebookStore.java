package io.capstan.server.notebook;

import io.capstan.api.notebook.NotebookEvent;
import io.capstan.api.notebook.NotebookSpec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Notebooks, their events and the projects' notebook settings in the database. */
final class NotebookStore {
  private static final String COLUMNS =
      "uid, project, name, spec_json, desired, job_name, created_at, created_by, version";
  private static final int MAX_MESSAGE = 4000;

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final JsonMapper json;
  private final Clock clock;

  NotebookStore(JdbcClient jdbc, TransactionTemplate tx, JsonMapper json, Clock clock) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.json = json;
    this.clock = clock;
  }

  /** Stores a new notebook with its first event; false when the name is taken in the project. */
  boolean insert(NotebookRecord notebook, NotebookEvent event) {
    try {
      tx.executeWithoutResult(
          status -> {
            jdbc.sql(
                    "insert into notebooks (uid, project, name, spec_json, desired, job_name,"
                        + " created_at, created_by, updated_at, version) values (?, ?, ?, ?, ?,"
                        + " ?, ?, ?, ?, 1)")
                .params(
                    notebook.uid(),
                    notebook.project(),
                    notebook.name(),
                    json.writeValueAsString(notebook.spec()),
                    notebook.desired().name(),
                    notebook.job(),
                    notebook.createdAt().toEpochMilli(),
                    notebook.createdBy(),
                    clock.millis())
                .update();
            appendEvent(notebook.uid(), event);
          });
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  Optional<NotebookRecord> find(String project, String name) {
    return jdbc.sql("select " + COLUMNS + " from notebooks where project = ? and name = ?")
        .params(project, name)
        .query(this::map)
        .optional();
  }

  Optional<NotebookRecord> findByUid(String uid) {
    return jdbc.sql("select " + COLUMNS + " from notebooks where uid = ?")
        .param(uid)
        .query(this::map)
        .optional();
  }

  List<NotebookRecord> list(String project) {
    return jdbc.sql("select " + COLUMNS + " from notebooks where project = ? order by name")
        .param(project)
        .query(this::map)
        .list();
  }

  List<NotebookRecord> listAll() {
    return jdbc.sql("select " + COLUMNS + " from notebooks order by project, name")
        .query(this::map)
        .list();
  }

  /**
   * Saves what {@code next} wants and runs if nobody saved the notebook since it was read (same
   * version), with {@code event} when given; false when someone else won.
   */
  boolean update(NotebookRecord next, NotebookEvent event) {
    Boolean saved =
        tx.execute(
            status -> {
              int rows =
                  jdbc.sql(
                          "update notebooks set desired = ?, job_name = ?, updated_at = ?,"
                              + " version = version + 1 where uid = ? and version = ?")
                      .params(
                          next.desired().name(),
                          next.job(),
                          clock.millis(),
                          next.uid(),
                          next.version())
                      .update();
              if (rows == 1 && event != null) {
                appendEvent(next.uid(), event);
              }
              return rows == 1;
            });
    return Boolean.TRUE.equals(saved);
  }

  /** Removes a notebook and its events. */
  void delete(String uid) {
    jdbc.sql("delete from notebooks where uid = ?").param(uid).update();
  }

  void appendEvent(String uid, NotebookEvent event) {
    String message = event.message();
    if (message != null && message.length() > MAX_MESSAGE) {
      message = message.substring(0, MAX_MESSAGE);
    }
    jdbc.sql("insert into notebook_events (notebook_uid, at, reason, message) values (?, ?, ?, ?)")
        .params(uid, event.time().toEpochMilli(), event.reason(), message)
        .update();
  }

  List<NotebookEvent> events(String uid) {
    return jdbc.sql(
            "select at, reason, message from notebook_events where notebook_uid = ? order by id")
        .param(uid)
        .query(
            (rs, row) ->
                new NotebookEvent(
                    Instant.ofEpochMilli(rs.getLong("at")),
                    rs.getString("reason"),
                    rs.getString("message")))
        .list();
  }

  /** The project's cull time in seconds, if it set one. */
  Optional<Long> cullAfterSeconds(String project) {
    return jdbc.sql("select cull_after_seconds from notebook_settings where project = ?")
        .param(project)
        .query(Long.class)
        .optional();
  }

  /** Sets the project's cull time, or removes it ({@code seconds} null). */
  void setCullAfterSeconds(String project, Long seconds, String user) {
    tx.executeWithoutResult(
        status -> {
          jdbc.sql("delete from notebook_settings where project = ?").param(project).update();
          if (seconds != null) {
            jdbc.sql(
                    "insert into notebook_settings (project, cull_after_seconds, updated_at,"
                        + " updated_by) values (?, ?, ?, ?)")
                .params(project, seconds, clock.millis(), user)
                .update();
          }
        });
  }

  private NotebookRecord map(ResultSet rs, int row) throws SQLException {
    return new NotebookRecord(
        rs.getString("uid"),
        rs.getString("project"),
        rs.getString("name"),
        json.readValue(rs.getString("spec_json"), NotebookSpec.class),
        NotebookRecord.Desired.valueOf(rs.getString("desired")),
        rs.getString("job_name"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        rs.getString("created_by"),
        rs.getLong("version"));
  }
}
