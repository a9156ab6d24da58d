package io.capstan.server.audit;

import static java.util.Objects.requireNonNull;

import io.capstan.api.audit.AuditOutcome;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The audit log in the database (H2 and PostgreSQL): append and read only. The one way a row goes
 * away is {@link #deleteOlderThan}, which the retention janitor calls; nothing updates a row.
 */
public final class AuditStore {
  private final JdbcClient jdbc;

  public AuditStore(JdbcClient jdbc) {
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
  }

  /** A page of events, newest first, and the cursor of the next one (null at the end). */
  public record Page(List<AuditEvent> events, Long nextBefore) {
    public Page {
      events = List.copyOf(events);
    }
  }

  public void append(AuditEvent event) {
    jdbc.sql(
            "insert into audit_events (at, actor, auth_method, remote_address, http_method, path,"
                + " project, object_kind, object_name, action, outcome, status, error_code,"
                + " message, before_json, after_json)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            event.at().toEpochMilli(),
            event.actor(),
            event.authMethod(),
            event.remoteAddress(),
            event.method(),
            event.path(),
            event.project(),
            event.objectKind(),
            event.objectName(),
            event.action(),
            event.outcome().wireName(),
            event.status(),
            event.errorCode(),
            event.message(),
            event.before(),
            event.after())
        .update();
  }

  public Page query(AuditQuery query) {
    if (query.visibleProjects() != null && query.visibleProjects().isEmpty()) {
      return new Page(List.of(), null);
    }
    StringBuilder sql = new StringBuilder("select * from audit_events where 1 = 1");
    List<Object> params = new ArrayList<>();
    if (query.visibleProjects() != null) {
      sql.append(" and project in (")
          .append(String.join(", ", Collections.nCopies(query.visibleProjects().size(), "?")))
          .append(")");
      params.addAll(query.visibleProjects().stream().sorted().toList());
    }
    where(sql, params, "project = ?", query.project());
    where(sql, params, "actor = ?", query.actor());
    where(sql, params, "action = ?", query.action());
    where(sql, params, "object_kind = ?", query.kind());
    where(sql, params, "outcome = ?", query.outcome() == null ? null : query.outcome().wireName());
    where(sql, params, "at >= ?", query.since() == null ? null : query.since().toEpochMilli());
    where(sql, params, "at < ?", query.until() == null ? null : query.until().toEpochMilli());
    where(sql, params, "id < ?", query.before());
    // One more than asked tells whether there is a next page.
    sql.append(" order by id desc limit ?");
    params.add(query.limit() + 1);
    List<AuditEvent> events =
        jdbc.sql(sql.toString()).params(params).query(AuditStore::event).list();
    if (events.size() <= query.limit()) {
      return new Page(events, null);
    }
    List<AuditEvent> page = events.subList(0, query.limit());
    return new Page(page, page.get(page.size() - 1).id());
  }

  /** Deletes the events before {@code cutoff}; returns how many. */
  public int deleteOlderThan(Instant cutoff) {
    return jdbc.sql("delete from audit_events where at < ?").param(cutoff.toEpochMilli()).update();
  }

  private static void where(
      StringBuilder sql, List<Object> params, String condition, Object value) {
    if (value != null) {
      sql.append(" and ").append(condition);
      params.add(value);
    }
  }

  private static AuditEvent event(ResultSet rs, int row) throws SQLException {
    return new AuditEvent(
        rs.getLong("id"),
        Instant.ofEpochMilli(rs.getLong("at")),
        rs.getString("actor"),
        rs.getString("auth_method"),
        rs.getString("remote_address"),
        rs.getString("http_method"),
        rs.getString("path"),
        rs.getString("project"),
        rs.getString("object_kind"),
        rs.getString("object_name"),
        rs.getString("action"),
        AuditOutcome.fromWire(rs.getString("outcome")),
        rs.getInt("status"),
        rs.getString("error_code"),
        rs.getString("message"),
        rs.getString("before_json"),
        rs.getString("after_json"));
  }
}
