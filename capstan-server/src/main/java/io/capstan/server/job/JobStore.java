package io.capstan.server.job;

import io.capstan.api.job.JobEvent;
import io.capstan.api.job.JobPhase;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.ReplicaStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Jobs, their replicas and events in the database (H2 or PostgreSQL). */
public final class JobStore {
  private static final String COLUMNS =
      "uid, project, name, spec_json, phase, reason, message, created_at, started_at,"
          + " finished_at, restarts, attempt, placement_json, released, run_started_at,"
          + " attained_gpu_seconds, waiting_since, kind, owner_uid, kind_json, deleting, version";

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final JsonMapper json;

  public JobStore(JdbcClient jdbc, TransactionTemplate tx, JsonMapper json) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.json = json;
  }

  /** Stores a new job with its initial replica rows and first event, all or nothing. */
  public void insert(JobRecord job, List<ReplicaStatus> replicas, JobEvent event) {
    tx.executeWithoutResult(
        status -> {
          jdbc.sql(
                  "insert into jobs ("
                      + COLUMNS
                      + ") values (:uid, :project, :name, :spec, :phase, :reason, :message,"
                      + " :created, :started, :finished, :restarts, :attempt, :placement,"
                      + " :released, :runStarted, :attained, :waitingSince, :kind, :owner, :kindData,"
                      + " :deleting, 0)")
              .params(rowParams(job))
              .update();
          writeReplicas(job.uid(), replicas);
          appendEvent(job.uid(), event);
        });
  }

  public Optional<JobRecord> find(String project, String name) {
    return jdbc.sql("select " + COLUMNS + " from jobs where project = ? and name = ?")
        .params(project, name)
        .query(this::mapJob)
        .optional();
  }

  public Optional<JobRecord> findByUid(String uid) {
    return jdbc.sql("select " + COLUMNS + " from jobs where uid = ?")
        .param(uid)
        .query(this::mapJob)
        .optional();
  }

  public List<JobRecord> list(String project) {
    return jdbc.sql("select " + COLUMNS + " from jobs where project = ? order by created_at, uid")
        .param(project)
        .query(this::mapJob)
        .list();
  }

  /** The jobs of {@code project} that {@code query} selects, in its order, one page. */
  public List<JobRecord> list(String project, JobQuery query) {
    Map<String, Object> params = new HashMap<>();
    String sql =
        "select "
            + COLUMNS
            + " from jobs"
            + where(project, query, params)
            + (query.newestFirst()
                ? " order by created_at desc, uid desc"
                : " order by created_at, uid")
            + (query.limit() == null ? "" : " limit :limit")
            + " offset :offset";
    params.put("limit", query.limit());
    params.put("offset", query.offset());
    return jdbc.sql(sql).params(params).query(this::mapJob).list();
  }

  /** How many jobs of {@code project} {@code query} selects, over all pages. */
  public long count(String project, JobQuery query) {
    Map<String, Object> params = new HashMap<>();
    return jdbc.sql("select count(*) from jobs" + where(project, query, params))
        .params(params)
        .query(Long.class)
        .single();
  }

  private static String where(String project, JobQuery query, Map<String, Object> params) {
    StringBuilder where = new StringBuilder(" where project = :project");
    params.put("project", project);
    if (query.phase() != null) {
      where.append(" and phase = :phase");
      params.put("phase", query.phase().name());
    }
    if (query.kind() != null) {
      // The kind a user submitted it as (PyTorchJob); for a workload no user submitted (a serving
      // replica, a job from before V16), the workload's kind (ServingReplica, TrainingJob).
      where.append(
          " and (uid in (select job_uid from job_submissions where source_kind = :kind) or (kind ="
              + " :kind and uid not in (select job_uid from job_submissions)))");
      params.put("kind", query.kind());
    }
    if (query.user() != null) {
      where.append(" and uid in (select job_uid from job_submissions where user_name = :user)");
      params.put("user", query.user());
    }
    if (query.text() != null) {
      where.append(" and lower(name) like :text escape '\\'");
      params.put(
          "text",
          "%"
              + query
                  .text()
                  .toLowerCase(java.util.Locale.ROOT)
                  .replace("\\", "\\\\")
                  .replace("%", "\\%")
                  .replace("_", "\\_")
              + "%");
    }
    return where.toString();
  }

  /** The events of the jobs {@code uids}, by job uid, each oldest first: one query for a page. */
  public Map<String, List<JobEvent>> eventsOf(List<String> uids) {
    Map<String, List<JobEvent>> events = new HashMap<>();
    if (uids.isEmpty()) {
      return events;
    }
    jdbc.sql(
            "select job_uid, at, phase, reason, message from job_events where job_uid in (:uids)"
                + " order by id")
        .param("uids", uids)
        .query(
            rs -> {
              events
                  .computeIfAbsent(rs.getString("job_uid"), uid -> new ArrayList<>())
                  .add(mapEvent(rs));
            });
    return events;
  }

  /** Keeps the text {@code user} submitted job {@code uid} as, and its kind. */
  public void saveSubmission(String uid, String user, String sourceKind, String text) {
    jdbc.sql(
            "insert into job_submissions (job_uid, user_name, source_kind, spec_text) values (?,"
                + " ?, ?, ?)")
        .params(uid, user, sourceKind, text)
        .update();
  }

  /** Who submitted each of the jobs {@code uids} that a user submitted, by uid. */
  public Map<String, String> submitters(List<String> uids) {
    Map<String, String> users = new HashMap<>();
    if (uids.isEmpty()) {
      return users;
    }
    jdbc.sql("select job_uid, user_name from job_submissions where job_uid in (:uids)")
        .param("uids", uids)
        .query(
            (RowCallbackHandler)
                rs -> {
                  users.put(rs.getString(1), rs.getString(2));
                });
    return users;
  }

  /** The text job {@code uid} was submitted as, or empty for a workload a controller made. */
  public Optional<String> submission(String uid) {
    return jdbc.sql("select spec_text from job_submissions where job_uid = ?")
        .param(uid)
        .query(String.class)
        .optional();
  }

  /** The workloads that {@code ownerUid} made (an inference service's replicas). */
  public List<JobRecord> listOwnedBy(String ownerUid) {
    return jdbc.sql("select " + COLUMNS + " from jobs where owner_uid = ? order by created_at, uid")
        .param(ownerUid)
        .query(this::mapJob)
        .list();
  }

  /** Every workload of {@code kind} that has an owner, for controllers that sweep orphans. */
  public List<JobRecord> listOwned(String kind) {
    return jdbc.sql(
            "select "
                + COLUMNS
                + " from jobs where kind = ? and owner_uid is not null order by created_at, uid")
        .param(kind)
        .query(this::mapJob)
        .list();
  }

  /** Every job of every project. */
  public List<JobRecord> listAll() {
    return jdbc.sql("select " + COLUMNS + " from jobs order by created_at, uid")
        .query(this::mapJob)
        .list();
  }

  /**
   * Jobs the controller still has work on: not finished, finished but not released, or being
   * deleted.
   */
  public List<JobRecord> listLive() {
    return jdbc.sql(
            "select "
                + COLUMNS
                + " from jobs where phase not in ('SUCCEEDED', 'FAILED', 'CANCELLED')"
                + " or released = false or deleting = true order by created_at, uid")
        .query(this::mapJob)
        .list();
  }

  /** Finished jobs, for TTL clean-up. */
  public List<JobRecord> listFinished() {
    return jdbc.sql(
            "select "
                + COLUMNS
                + " from jobs where phase in ('SUCCEEDED', 'FAILED', 'CANCELLED') order by"
                + " finished_at")
        .query(this::mapJob)
        .list();
  }

  /**
   * Saves {@code next} if the stored row is still at {@code next.version()} (nobody saved it since
   * it was read), raising the version; records {@code event} when given. Returns false when someone
   * else changed the job first: the caller re-reads and decides again.
   */
  public boolean update(JobRecord next, JobEvent event) {
    Boolean saved =
        tx.execute(
            status -> {
              int rows =
                  jdbc.sql(
                          "update jobs set phase = :phase, reason = :reason, message = :message,"
                              + " started_at = :started, finished_at = :finished, restarts ="
                              + " :restarts, attempt = :attempt, placement_json = :placement,"
                              + " released = :released, run_started_at = :runStarted,"
                              + " attained_gpu_seconds = :attained, waiting_since = :waitingSince,"
                              + " deleting = :deleting, version = :version + 1"
                              + " where uid = :uid and version = :version")
                      .params(rowParams(next))
                      .param("version", next.version())
                      .update();
              if (rows == 1 && event != null) {
                appendEvent(next.uid(), event);
              }
              return rows == 1;
            });
    return Boolean.TRUE.equals(saved);
  }

  public void replaceReplicas(String uid, List<ReplicaStatus> replicas) {
    tx.executeWithoutResult(
        status -> {
          jdbc.sql("delete from job_replicas where job_uid = ?").param(uid).update();
          writeReplicas(uid, replicas);
        });
  }

  public List<ReplicaStatus> replicas(String uid) {
    return jdbc.sql(
            "select name, role, idx, state, exit_code, attempt, gpus, started_at, finished_at,"
                + " message, reason from job_replicas where job_uid = ? order by role, idx")
        .param(uid)
        .query(this::mapReplica)
        .list();
  }

  public List<JobEvent> events(String uid) {
    return jdbc.sql(
            "select at, phase, reason, message from job_events where job_uid = ? order by id")
        .param(uid)
        .query((rs, row) -> mapEvent(rs))
        .list();
  }

  /** The events of every job of a project, by job uid, each oldest first: one query for a list. */
  public Map<String, List<JobEvent>> eventsOfProject(String project) {
    Map<String, List<JobEvent>> events = new HashMap<>();
    jdbc.sql(
            "select e.job_uid, e.at, e.phase, e.reason, e.message from job_events e join jobs j on"
                + " j.uid = e.job_uid where j.project = ? order by e.id")
        .param(project)
        .query(
            rs -> {
              events
                  .computeIfAbsent(rs.getString("job_uid"), uid -> new ArrayList<>())
                  .add(mapEvent(rs));
            });
    return events;
  }

  private static JobEvent mapEvent(ResultSet rs) throws SQLException {
    return new JobEvent(
        Instant.ofEpochMilli(rs.getLong("at")),
        JobPhase.valueOf(rs.getString("phase")),
        rs.getString("reason"),
        rs.getString("message"));
  }

  /** Records an event without changing the job (e.g. the model registered from its output). */
  public void addEvent(String uid, JobEvent event) {
    appendEvent(uid, event);
  }

  public void delete(String uid) {
    tx.executeWithoutResult(
        status -> {
          jdbc.sql("delete from job_events where job_uid = ?").param(uid).update();
          jdbc.sql("delete from job_replicas where job_uid = ?").param(uid).update();
          jdbc.sql("delete from jobs where uid = ?").param(uid).update();
        });
  }

  private void appendEvent(String uid, JobEvent event) {
    jdbc.sql("insert into job_events (job_uid, at, phase, reason, message) values (?, ?, ?, ?, ?)")
        .params(
            uid,
            event.time().toEpochMilli(),
            event.phase().name(),
            event.reason(),
            truncate(event.message(), 4000))
        .update();
  }

  private void writeReplicas(String uid, List<ReplicaStatus> replicas) {
    for (ReplicaStatus r : replicas) {
      jdbc.sql(
              "insert into job_replicas (job_uid, name, role, idx, state, exit_code, attempt, gpus,"
                  + " started_at, finished_at, message, reason) values (?, ?, ?, ?, ?, ?, ?, ?, ?,"
                  + " ?, ?, ?)")
          .params(
              uid,
              r.name(),
              r.role().name(),
              r.index(),
              r.state(),
              r.exitCode(),
              r.attempt(),
              r.gpus().stream().map(String::valueOf).collect(Collectors.joining(",")),
              millis(r.startedAt()),
              millis(r.finishedAt()),
              truncate(r.message(), 1000),
              r.reason())
          .update();
    }
  }

  private java.util.Map<String, Object> rowParams(JobRecord job) {
    java.util.Map<String, Object> params = new java.util.HashMap<>();
    params.put("uid", job.uid());
    params.put("project", job.project());
    params.put("name", job.name());
    params.put("spec", json.writeValueAsString(job.spec()));
    params.put("phase", job.phase().name());
    params.put("reason", job.reason());
    params.put("message", truncate(job.message(), 4000));
    params.put("created", job.createdAt().toEpochMilli());
    params.put("started", millis(job.startedAt()));
    params.put("finished", millis(job.finishedAt()));
    params.put("restarts", job.restarts());
    params.put("attempt", job.attempt());
    params.put("placement", json.writeValueAsString(job.placement()));
    params.put("released", job.released());
    params.put("runStarted", millis(job.runs().runStartedAt()));
    params.put("attained", job.runs().attainedGpuSeconds());
    params.put("waitingSince", millis(job.runs().waitingSince()));
    params.put("kind", job.kind());
    params.put("owner", job.owner());
    params.put("kindData", job.kindData());
    params.put("deleting", job.deleting());
    return params;
  }

  private JobRecord mapJob(ResultSet rs, int row) throws SQLException {
    return new JobRecord(
        rs.getString("uid"),
        rs.getString("project"),
        rs.getString("name"),
        json.readValue(rs.getString("spec_json"), JobSpec.class),
        JobPhase.valueOf(rs.getString("phase")),
        rs.getString("reason"),
        rs.getString("message"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        rs.getInt("restarts"),
        rs.getInt("attempt"),
        rs.getString("placement_json") == null
            ? Placement.NONE
            : json.readValue(rs.getString("placement_json"), Placement.class),
        rs.getBoolean("released"),
        new JobRuns(
            instant(rs, "run_started_at"),
            rs.getDouble("attained_gpu_seconds"),
            instant(rs, "waiting_since")),
        rs.getString("kind"),
        rs.getString("owner_uid"),
        rs.getString("kind_json"),
        rs.getBoolean("deleting"),
        rs.getLong("version"));
  }

  private ReplicaStatus mapReplica(ResultSet rs, int row) throws SQLException {
    String gpus = rs.getString("gpus");
    int exit = rs.getInt("exit_code");
    Integer exitCode = rs.wasNull() ? null : exit;
    return new ReplicaStatus(
        rs.getString("name"),
        ReplicaRole.valueOf(rs.getString("role")),
        rs.getInt("idx"),
        rs.getString("state"),
        exitCode,
        rs.getInt("attempt"),
        gpus.isEmpty() ? List.of() : Arrays.stream(gpus.split(",")).map(Integer::valueOf).toList(),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        rs.getString("message"),
        rs.getString("reason"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(value);
  }

  private static Long millis(Instant instant) {
    return instant == null ? null : instant.toEpochMilli();
  }

  private static String truncate(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
