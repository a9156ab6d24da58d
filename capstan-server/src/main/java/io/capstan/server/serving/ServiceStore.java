package io.capstan.server.serving;

import io.capstan.api.serving.ServiceEvent;
import io.capstan.api.serving.ServiceSpec;
import io.capstan.api.status.Condition;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Inference services and their events in the database (H2 or PostgreSQL). */
final class ServiceStore {
  private static final String COLUMNS =
      "uid, project, spec_json, stable_version, canary_version, previous_version, version,"
          + " desired_replicas, generation, created_at, updated_at";
  private static final int MAX_MESSAGE = 4000;
  private static final TypeReference<List<Condition>> CONDITIONS = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final JsonMapper json;

  ServiceStore(JdbcClient jdbc, TransactionTemplate tx, JsonMapper json) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.json = json;
  }

  /** Stores a new service with its first event; false when the name is taken in the project. */
  boolean insert(ServiceRecord service, ServiceEvent event) {
    try {
      tx.executeWithoutResult(
          status -> {
            jdbc.sql(
                    "insert into inference_services (uid, project, name, spec_json,"
                        + " stable_version, canary_version, previous_version, desired_replicas,"
                        + " generation, created_at, updated_at) values (:uid, :project, :name,"
                        + " :spec, :stable, :canary, :previous, :desired, :generation, :created,"
                        + " :updated)")
                .params(params(service))
                .update();
            appendEvent(service.uid(), event);
          });
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  Optional<ServiceRecord> find(String project, String name) {
    return jdbc.sql("select " + COLUMNS + " from inference_services where project = ? and name = ?")
        .params(project, name)
        .query(this::map)
        .optional();
  }

  Optional<ServiceRecord> findByUid(String uid) {
    return jdbc.sql("select " + COLUMNS + " from inference_services where uid = ?")
        .param(uid)
        .query(this::map)
        .optional();
  }

  List<ServiceRecord> list(String project) {
    return jdbc.sql(
            "select " + COLUMNS + " from inference_services where project = ? order by name")
        .param(project)
        .query(this::map)
        .list();
  }

  List<ServiceRecord> listAll() {
    return jdbc.sql("select " + COLUMNS + " from inference_services order by project, name")
        .query(this::map)
        .list();
  }

  /**
   * Saves {@code next} if nobody saved the service since {@code expected} was read (same version),
   * raising the version, and the generation when the spec changed; records {@code event} when
   * given. False when someone else won; the caller re-reads.
   */
  boolean update(ServiceRecord next, ServiceRecord expected, ServiceEvent event) {
    Boolean saved =
        tx.execute(
            status -> {
              Map<String, Object> params = params(next);
              boolean specChanged = !next.spec().equals(expected.spec());
              params.put("generation", expected.generation() + (specChanged ? 1 : 0));
              params.put("expected", expected.version());
              int rows =
                  jdbc.sql(
                          "update inference_services set spec_json = :spec, stable_version ="
                              + " :stable, canary_version = :canary, previous_version = :previous,"
                              + " desired_replicas = :desired, generation = :generation,"
                              + " updated_at = :updated, version = :expected + 1"
                              + " where uid = :uid and version = :expected")
                      .params(params)
                      .update();
              if (rows == 1 && event != null) {
                appendEvent(next.uid(), event);
              }
              return rows == 1;
            });
    return Boolean.TRUE.equals(saved);
  }

  /**
   * Stores the controller's verdict on a service (decision 67). Touches neither the generation nor
   * {@code updatedAt}: status is not a change of the service.
   */
  void writeHealth(String uid, ServiceHealth health) {
    jdbc.sql(
            "update inference_services set status_phase = ?, status_message = ?,"
                + " status_conditions = ?, observed_generation = ? where uid = ?")
        .params(
            health.phase(),
            truncate(health.message()),
            json.writeValueAsString(health.conditions()),
            health.observedGeneration(),
            uid)
        .update();
  }

  /** The verdict last stored, empty before the controller's first pass over the service. */
  Optional<ServiceHealth> health(String uid) {
    return jdbc.sql(
            "select status_phase, status_message, status_conditions, observed_generation from"
                + " inference_services where uid = ? and status_phase is not null")
        .param(uid)
        .query(
            (rs, row) ->
                new ServiceHealth(
                    rs.getString("status_phase"),
                    rs.getString("status_message"),
                    json.readValue(rs.getString("status_conditions"), CONDITIONS),
                    longOrNull(rs, "observed_generation")))
        .optional();
  }

  /** Deletes the service and its events; its replica jobs are the caller's to stop. */
  void delete(String uid) {
    tx.executeWithoutResult(
        status -> {
          jdbc.sql("delete from inference_service_events where service_uid = ?")
              .param(uid)
              .update();
          jdbc.sql("delete from inference_services where uid = ?").param(uid).update();
        });
  }

  void appendEvent(String uid, ServiceEvent event) {
    jdbc.sql(
            "insert into inference_service_events (service_uid, at, reason, message) values (?, ?,"
                + " ?, ?)")
        .params(uid, event.time().toEpochMilli(), event.reason(), truncate(event.message()))
        .update();
  }

  private static String truncate(String message) {
    return message == null ? null : message.substring(0, Math.min(MAX_MESSAGE, message.length()));
  }

  List<ServiceEvent> events(String uid) {
    return jdbc.sql(
            "select at, reason, message from inference_service_events where service_uid = ? order"
                + " by id")
        .param(uid)
        .query(
            (rs, row) ->
                new ServiceEvent(
                    Instant.ofEpochMilli(rs.getLong("at")),
                    rs.getString("reason"),
                    rs.getString("message")))
        .list();
  }

  private Map<String, Object> params(ServiceRecord service) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("uid", service.uid());
    params.put("project", service.project());
    params.put("name", service.name());
    params.put("spec", json.writeValueAsString(service.spec()));
    params.put("stable", service.stableVersion());
    params.put("canary", service.canaryVersion());
    params.put("previous", service.previousVersion());
    params.put("desired", service.desiredReplicas());
    params.put("generation", service.generation());
    params.put("created", service.createdAt().toEpochMilli());
    params.put("updated", service.updatedAt().toEpochMilli());
    return params;
  }

  private ServiceRecord map(ResultSet rs, int row) throws SQLException {
    return new ServiceRecord(
        rs.getString("uid"),
        rs.getString("project"),
        json.readValue(rs.getString("spec_json"), ServiceSpec.class),
        integer(rs, "stable_version"),
        integer(rs, "canary_version"),
        integer(rs, "previous_version"),
        rs.getInt("desired_replicas"),
        rs.getLong("generation"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")),
        rs.getLong("version"));
  }

  private static Long longOrNull(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }

  private static Integer integer(ResultSet rs, String column) throws SQLException {
    int value = rs.getInt(column);
    return rs.wasNull() ? null : value;
  }
}
