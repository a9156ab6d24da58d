package io.capstan.server.dataset;

import static java.util.Objects.requireNonNull;

import io.capstan.api.dataset.DatasetLineage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Datasets, their versions and shares in the database (migration V15). */
final class DatasetStore {
  private static final String VERSION_COLUMNS =
      "project, dataset, version, files, size_bytes, sha256, description, source, created_by,"
          + " job_name, job_uid, source_uri, created_at";

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;

  DatasetStore(JdbcClient jdbc, TransactionTemplate tx) {
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
    this.tx = requireNonNull(tx, "tx is null");
  }

  /**
   * Creates the dataset unless it exists, then hands out its next version number (one more than any
   * ever handed out, under the row's lock): the number a new version is stored under.
   */
  int reserveVersion(String project, String name, String user, Instant now) {
    try {
      jdbc.sql(
              "insert into datasets (project, name, created_at, created_by, last_version) values"
                  + " (?, ?, ?, ?, 0)")
          .params(project, name, now.toEpochMilli(), user)
          .update();
    } catch (DuplicateKeyException e) {
      // Exists: its next number follows.
    }
    Integer number =
        tx.execute(
            status -> {
              jdbc.sql(
                      "update datasets set last_version = last_version + 1 where project = ? and"
                          + " name = ?")
                  .params(project, name)
                  .update();
              return jdbc.sql("select last_version from datasets where project = ? and name = ?")
                  .params(project, name)
                  .query(Integer.class)
                  .single();
            });
    return requireNonNull(number, "number is null");
  }

  void insertVersion(DatasetVersionRecord version) {
    DatasetLineage lineage = version.lineage();
    jdbc.sql(
            "insert into dataset_versions ("
                + VERSION_COLUMNS
                + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            version.project(),
            version.dataset(),
            version.version(),
            version.files(),
            version.sizeBytes(),
            version.sha256(),
            version.description(),
            lineage.source(),
            lineage.createdBy(),
            lineage.job(),
            lineage.jobUid(),
            lineage.uri(),
            version.createdAt().toEpochMilli())
        .update();
  }

  Optional<DatasetRecord> find(String project, String name) {
    return jdbc.sql(
            "select project, name, created_at, created_by, last_version from datasets where"
                + " project = ? and name = ?")
        .params(project, name)
        .query(this::dataset)
        .optional();
  }

  /** The project's own datasets and those shared with it, by project and name. */
  List<DatasetRecord> visibleTo(String project) {
    return jdbc.sql(
            "select project, name, created_at, created_by, last_version from datasets d where"
                + " d.project = :p or exists (select 1 from dataset_shares s where s.project ="
                + " d.project and s.dataset = d.name and s.shared_with = :p) order by"
                + " (case when d.project = :p then 0 else 1 end), project, name")
        .param("p", project)
        .query(this::dataset)
        .list();
  }

  List<DatasetVersionRecord> versions(String project, String name) {
    return jdbc.sql(
            "select "
                + VERSION_COLUMNS
                + " from dataset_versions where project = ? and dataset = ? order by version desc")
        .params(project, name)
        .query(DatasetStore::version)
        .list();
  }

  Optional<DatasetVersionRecord> version(String project, String name, int version) {
    return jdbc.sql(
            "select "
                + VERSION_COLUMNS
                + " from dataset_versions where project = ? and dataset = ? and version = ?")
        .params(project, name, version)
        .query(DatasetStore::version)
        .optional();
  }

  /** Replaces the dataset's shares. */
  void share(String project, String name, List<String> projects) {
    tx.executeWithoutResult(
        status -> {
          jdbc.sql("delete from dataset_shares where project = ? and dataset = ?")
              .params(project, name)
              .update();
          for (String other : projects) {
            jdbc.sql("insert into dataset_shares (project, dataset, shared_with) values (?, ?, ?)")
                .params(project, name, other)
                .update();
          }
        });
  }

  boolean deleteVersion(String project, String name, int version) {
    return jdbc.sql(
                "delete from dataset_versions where project = ? and dataset = ? and version = ?")
            .params(project, name, version)
            .update()
        == 1;
  }

  boolean delete(String project, String name) {
    return jdbc.sql("delete from datasets where project = ? and name = ?")
            .params(project, name)
            .update()
        == 1;
  }

  private List<String> shares(String project, String name) {
    return jdbc.sql(
            "select shared_with from dataset_shares where project = ? and dataset = ? order by"
                + " shared_with")
        .params(project, name)
        .query(String.class)
        .list();
  }

  private DatasetRecord dataset(ResultSet rs, int row) throws SQLException {
    String project = rs.getString("project");
    String name = rs.getString("name");
    return new DatasetRecord(
        project,
        name,
        Instant.ofEpochMilli(rs.getLong("created_at")),
        rs.getString("created_by"),
        rs.getInt("last_version"),
        shares(project, name));
  }

  private static DatasetVersionRecord version(ResultSet rs, int row) throws SQLException {
    return new DatasetVersionRecord(
        rs.getString("project"),
        rs.getString("dataset"),
        rs.getInt("version"),
        rs.getLong("files"),
        rs.getLong("size_bytes"),
        rs.getString("sha256"),
        rs.getString("description"),
        new DatasetLineage(
            rs.getString("source"),
            rs.getString("created_by"),
            rs.getString("job_name"),
            rs.getString("job_uid"),
            rs.getString("source_uri")),
        Instant.ofEpochMilli(rs.getLong("created_at")));
  }
}
