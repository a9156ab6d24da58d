package io.capstan.server.projectdata;

import static java.util.Objects.requireNonNull;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Secrets and config maps in the database (table {@code project_data}, migration V13). */
final class DataStore {
  private static final String COLUMNS =
      "project, kind, name, keys_json, values_text, created_at, updated_at, updated_by, version";

  private final JdbcClient jdbc;
  private final JsonMapper json;

  DataStore(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
    this.json = requireNonNull(json, "json is null");
  }

  /** Inserts {@code record} at version 1; false when the name is taken. */
  boolean insert(DataRecord record) {
    try {
      jdbc.sql(
              "insert into project_data ("
                  + COLUMNS
                  + ") values (:project, :kind, :name, :keys, :values, :created, :updated, :by,"
                  + " 1)")
          .param("project", record.project())
          .param("kind", record.kind().column())
          .param("name", record.name())
          .param("keys", json.writeValueAsString(record.keys()))
          .param("values", record.values())
          .param("created", record.createdAt().toEpochMilli())
          .param("updated", record.updatedAt().toEpochMilli())
          .param("by", record.updatedBy())
          .update();
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  /**
   * Replaces keys and values of {@code record} if its row is still at {@code record.version()},
   * raising the version; false when another writer changed or deleted it first.
   */
  boolean replace(DataRecord record) {
    return jdbc.sql(
                "update project_data set keys_json = :keys, values_text = :values, updated_at ="
                    + " :updated, updated_by = :by, version = version + 1 where project = :project"
                    + " and kind = :kind and name = :name and version = :version")
            .param("keys", json.writeValueAsString(record.keys()))
            .param("values", record.values())
            .param("updated", record.updatedAt().toEpochMilli())
            .param("by", record.updatedBy())
            .param("project", record.project())
            .param("kind", record.kind().column())
            .param("name", record.name())
            .param("version", record.version())
            .update()
        == 1;
  }

  Optional<DataRecord> find(DataKind kind, String project, String name) {
    return jdbc.sql(
            "select " + COLUMNS + " from project_data where project = ? and kind = ? and name = ?")
        .params(project, kind.column(), name)
        .query(this::map)
        .optional();
  }

  /** The project's objects of {@code kind}, by name. */
  List<DataRecord> list(DataKind kind, String project) {
    return jdbc.sql(
            "select " + COLUMNS + " from project_data where project = ? and kind = ? order by name")
        .params(project, kind.column())
        .query(this::map)
        .list();
  }

  /** Deletes it; false when there was none. */
  boolean delete(DataKind kind, String project, String name) {
    return jdbc.sql("delete from project_data where project = ? and kind = ? and name = ?")
            .params(project, kind.column(), name)
            .update()
        == 1;
  }

  private DataRecord map(ResultSet rs, int row) throws SQLException {
    String kind = rs.getString("kind");
    return new DataRecord(
        rs.getString("project"),
        kind.equals(DataKind.SECRET.column()) ? DataKind.SECRET : DataKind.CONFIG_MAP,
        rs.getString("name"),
        json.readValue(rs.getString("keys_json"), new TypeReference<Map<String, Integer>>() {}),
        rs.getString("values_text"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")),
        rs.getString("updated_by"),
        rs.getLong("version"));
  }
}
