package io.capstan.server.experiment;

import io.capstan.api.experiment.ExperimentPhase;
import io.capstan.api.experiment.TrialPhase;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Experiments, their phase changes and their trials in the database. */
final class ExperimentStore {
  private static final String COLUMNS =
      "uid, project, name, spec_text, seed, phase, reason, message, deleting, created_at,"
          + " created_by, finished_at, max_trial_count, parallel_trial_count, version";
  private static final String TRIAL_COLUMNS =
      "experiment_uid, trial_index, name, assignment_json, status, early_stopped, objective,"
          + " metrics_json, history_json, message, created_at, finished_at";
  private static final int MAX_MESSAGE = 4000;

  /** One change of an experiment's phase. */
  record Event(Instant at, ExperimentPhase phase, String reason, String message) {}

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final JsonMapper json;
  private final Clock clock;

  ExperimentStore(JdbcClient jdbc, TransactionTemplate tx, JsonMapper json, Clock clock) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.json = json;
    this.clock = clock;
  }

  /** Stores a new experiment with its first event; false when the name is taken in the project. */
  boolean insert(ExperimentRecord experiment) {
    try {
      tx.executeWithoutResult(
          status -> {
            jdbc.sql(
                    "insert into experiments (uid, project, name, spec_text, seed, phase, reason,"
                        + " message, deleting, created_at, created_by, updated_at, version)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?, false, ?, ?, ?, 1)")
                .params(
                    experiment.uid(),
                    experiment.project(),
                    experiment.name(),
                    experiment.specText(),
                    experiment.seed(),
                    experiment.phase().wireName(),
                    experiment.reason(),
                    trim(experiment.message()),
                    experiment.createdAt().toEpochMilli(),
                    experiment.createdBy(),
                    clock.millis())
                .update();
            appendEvent(experiment);
          });
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  Optional<ExperimentRecord> find(String project, String name) {
    return jdbc.sql("select " + COLUMNS + " from experiments where project = ? and name = ?")
        .params(project, name)
        .query(this::map)
        .optional();
  }

  Optional<ExperimentRecord> findByUid(String uid) {
    return jdbc.sql("select " + COLUMNS + " from experiments where uid = ?")
        .param(uid)
        .query(this::map)
        .optional();
  }

  /** The project's experiments, oldest first. */
  List<ExperimentRecord> list(String project) {
    return jdbc.sql(
            "select " + COLUMNS + " from experiments where project = ? order by created_at, name")
        .param(project)
        .query(this::map)
        .list();
  }

  /** The uids of every experiment the controller still has work for: not finished, or deleting. */
  List<String> uidsToReconcile() {
    return jdbc.sql(
            "select uid from experiments where deleting or phase not in ('Succeeded', 'Failed')"
                + " or exists (select 1 from experiment_trials t where t.experiment_uid = experiments.uid"
                + " and t.status in ('Pending', 'Running'))")
        .query(String.class)
        .list();
  }

  /**
   * Saves {@code next} if nobody saved the experiment since it was read (same version), with an
   * event when its phase, reason or message changed; false when someone else won.
   */
  boolean update(ExperimentRecord before, ExperimentRecord next) {
    Boolean saved =
        tx.execute(
            status -> {
              int rows =
                  jdbc.sql(
                          "update experiments set phase = ?, reason = ?, message = ?, deleting = ?,"
                              + " finished_at = ?, max_trial_count = ?, parallel_trial_count = ?,"
                              + " updated_at = ?, version = version + 1"
                              + " where uid = ? and version = ?")
                      .params(
                          next.phase().wireName(),
                          next.reason(),
                          trim(next.message()),
                          next.deleting(),
                          next.finishedAt() == null ? null : next.finishedAt().toEpochMilli(),
                          next.maxTrialCount(),
                          next.parallelTrialCount(),
                          clock.millis(),
                          next.uid(),
                          before.version())
                      .update();
              if (rows == 1
                  && (before.phase() != next.phase() || !before.reason().equals(next.reason()))) {
                appendEvent(next);
              }
              return rows == 1;
            });
    return Boolean.TRUE.equals(saved);
  }

  /** Removes an experiment with its events and trials (not their jobs). */
  void delete(String uid) {
    jdbc.sql("delete from experiments where uid = ?").param(uid).update();
  }

  List<Event> events(String uid) {
    return jdbc.sql(
            "select at, phase, reason, message from experiment_events where experiment_uid = ?"
                + " order by id")
        .param(uid)
        .query(
            (rs, row) ->
                new Event(
                    Instant.ofEpochMilli(rs.getLong("at")),
                    ExperimentPhase.fromWire(rs.getString("phase")),
                    rs.getString("reason"),
                    rs.getString("message")))
        .list();
  }

  /** The trials of an experiment in creation order. */
  List<TrialRecord> trials(String experimentUid) {
    return jdbc.sql(
            "select "
                + TRIAL_COLUMNS
                + " from experiment_trials where experiment_uid = ? order by trial_index")
        .param(experimentUid)
        .query(this::mapTrial)
        .list();
  }

  /** Stores a new trial; false when its index is taken (another pass stored it first). */
  boolean insertTrial(TrialRecord trial) {
    try {
      jdbc.sql(
              "insert into experiment_trials ("
                  + TRIAL_COLUMNS
                  + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .params(
              trial.experimentUid(),
              trial.index(),
              trial.name(),
              json.writeValueAsString(trial.assignment()),
              trial.phase().wireName(),
              trial.earlyStopped(),
              trial.objective(),
              json.writeValueAsString(trial.metrics()),
              json.writeValueAsString(trial.history()),
              trim(trial.message()),
              trial.createdAt().toEpochMilli(),
              trial.finishedAt() == null ? null : trial.finishedAt().toEpochMilli())
          .update();
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  /** Saves what changed of a trial: its phase, flag, results and message. */
  void updateTrial(TrialRecord trial) {
    jdbc.sql(
            "update experiment_trials set status = ?, early_stopped = ?, objective = ?,"
                + " metrics_json = ?, history_json = ?, message = ?, finished_at = ?"
                + " where experiment_uid = ? and trial_index = ?")
        .params(
            trial.phase().wireName(),
            trial.earlyStopped(),
            trial.objective(),
            json.writeValueAsString(trial.metrics()),
            json.writeValueAsString(trial.history()),
            trim(trial.message()),
            trial.finishedAt() == null ? null : trial.finishedAt().toEpochMilli(),
            trial.experimentUid(),
            trial.index())
        .update();
  }

  private void appendEvent(ExperimentRecord experiment) {
    jdbc.sql(
            "insert into experiment_events (experiment_uid, at, phase, reason, message)"
                + " values (?, ?, ?, ?, ?)")
        .params(
            experiment.uid(),
            clock.millis(),
            experiment.phase().wireName(),
            experiment.reason(),
            trim(experiment.message()))
        .update();
  }

  private static String trim(String message) {
    return message != null && message.length() > MAX_MESSAGE
        ? message.substring(0, MAX_MESSAGE)
        : message;
  }

  private ExperimentRecord map(ResultSet rs, int row) throws SQLException {
    long finished = rs.getLong("finished_at");
    Instant finishedAt = rs.wasNull() ? null : Instant.ofEpochMilli(finished);
    return new ExperimentRecord(
        rs.getString("uid"),
        rs.getString("project"),
        rs.getString("name"),
        rs.getString("spec_text"),
        rs.getLong("seed"),
        ExperimentPhase.fromWire(rs.getString("phase")),
        rs.getString("reason"),
        rs.getString("message"),
        rs.getBoolean("deleting"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        rs.getString("created_by"),
        finishedAt,
        rs.getObject("max_trial_count", Integer.class),
        rs.getObject("parallel_trial_count", Integer.class),
        rs.getLong("version"));
  }

  private TrialRecord mapTrial(ResultSet rs, int row) throws SQLException {
    double objective = rs.getDouble("objective");
    Double objectiveOrNull = rs.wasNull() ? null : objective;
    long finished = rs.getLong("finished_at");
    Instant finishedAt = rs.wasNull() ? null : Instant.ofEpochMilli(finished);
    String metrics = rs.getString("metrics_json");
    String history = rs.getString("history_json");
    return new TrialRecord(
        rs.getString("experiment_uid"),
        rs.getInt("trial_index"),
        rs.getString("name"),
        json.readValue(
            rs.getString("assignment_json"), new TypeReference<Map<String, String>>() {}),
        TrialPhase.fromWire(rs.getString("status")),
        rs.getBoolean("early_stopped"),
        objectiveOrNull,
        metrics == null
            ? Map.of()
            : json.readValue(metrics, new TypeReference<Map<String, Double>>() {}),
        history == null ? List.of() : json.readValue(history, new TypeReference<List<Double>>() {}),
        rs.getString("message"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        finishedAt);
  }
}
