package io.capstan.server.model;

import io.capstan.api.model.Lineage;
import io.capstan.api.model.ModelSignature;
import io.capstan.server.artifact.StoredArtifact;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Models, versions and aliases in the database (H2 or PostgreSQL). */
public final class ModelStore {
  private static final String VERSION_COLUMNS =
      "project, model, version, description, artifact_key, artifact_size, artifact_sha256,"
          + " signature_json, metrics_json, tags_json, registered_by, job_name, job_uid,"
          + " job_attempt, output_path, created_at";
  private static final String ALIAS_COLUMNS =
      "project, model, alias, version, updated_at, generation";

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final JsonMapper json;

  public ModelStore(JdbcClient jdbc, TransactionTemplate tx, JsonMapper json) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.json = json;
  }

  /**
   * Stores a new version of {@code draft.model()} (creating the model on its first version) and
   * returns it with its number: one more than the highest number ever given to the model, taken
   * under the model row's lock in the same transaction as the insert.
   */
  /** The artifact key of every stored version, of every project. */
  public Set<String> artifactKeys() {
    return Set.copyOf(
        jdbc.sql("select artifact_key from model_versions").query(String.class).list());
  }

  public ModelVersionRecord insertVersion(ModelVersionRecord draft) {
    createModel(draft.project(), draft.model(), draft.createdAt());
    return tx.execute(
        status -> {
          jdbc.sql(
                  "update models set last_version = last_version + 1 where project = ? and name"
                      + " = ?")
              .params(draft.project(), draft.model())
              .update();
          int number =
              jdbc.sql("select last_version from models where project = ? and name = ?")
                  .params(draft.project(), draft.model())
                  .query(Integer.class)
                  .single();
          ModelVersionRecord numbered = draft.numbered(number);
          jdbc.sql(
                  "insert into model_versions ("
                      + VERSION_COLUMNS
                      + ") values (:project, :model, :version, :description, :key, :size, :sha,"
                      + " :signature, :metrics, :tags, :by, :jobName, :jobUid, :attempt, :path,"
                      + " :created)")
              .params(versionParams(numbered))
              .update();
          return numbered;
        });
  }

  /** Creates the model row unless it exists; its own transaction, so a lost race costs nothing. */
  private void createModel(String project, String name, Instant now) {
    if (exists(project, name)) {
      return;
    }
    try {
      jdbc.sql("insert into models (project, name, created_at, last_version) values (?, ?, ?, 0)")
          .params(project, name, now.toEpochMilli())
          .update();
    } catch (DuplicateKeyException e) {
      // Another registration created it first: that is all this wanted.
    }
  }

  private boolean exists(String project, String name) {
    return jdbc.sql("select count(*) from models where project = ? and name = ?")
            .params(project, name)
            .query(Integer.class)
            .single()
        > 0;
  }

  public List<ModelRecord> models(String project) {
    return jdbc.sql(
            "select m.project, m.name, m.created_at, max(v.version) as latest, count(v.version)"
                + " as versions from models m left join model_versions v on v.project = m.project"
                + " and v.model = m.name where m.project = ? group by m.project, m.name,"
                + " m.created_at order by m.name")
        .param(project)
        .query(ModelStore::mapModel)
        .list();
  }

  public Optional<ModelRecord> model(String project, String name) {
    return jdbc.sql(
            "select m.project, m.name, m.created_at, max(v.version) as latest, count(v.version)"
                + " as versions from models m left join model_versions v on v.project = m.project"
                + " and v.model = m.name where m.project = ? and m.name = ? group by m.project,"
                + " m.name, m.created_at")
        .params(project, name)
        .query(ModelStore::mapModel)
        .optional();
  }

  /** The model's versions, newest first. */
  public List<ModelVersionRecord> versions(String project, String model) {
    return jdbc.sql(
            "select "
                + VERSION_COLUMNS
                + " from model_versions where project = ? and model = ? order by version desc")
        .params(project, model)
        .query(this::mapVersion)
        .list();
  }

  public Optional<ModelVersionRecord> version(String project, String model, int version) {
    return jdbc.sql(
            "select "
                + VERSION_COLUMNS
                + " from model_versions where project = ? and model = ? and version = ?")
        .params(project, model, version)
        .query(this::mapVersion)
        .optional();
  }

  /** The version of {@code model} registered from job {@code jobUid}, if any. */
  public Optional<ModelVersionRecord> versionFromJob(String project, String model, String jobUid) {
    return jdbc
        .sql(
            "select "
                + VERSION_COLUMNS
                + " from model_versions where project = ? and model = ? and job_uid = ? order by"
                + " version")
        .params(project, model, jobUid)
        .query(this::mapVersion)
        .list()
        .stream()
        .findFirst();
  }

  public Optional<AliasRecord> alias(String project, String model, String alias) {
    return jdbc.sql(
            "select "
                + ALIAS_COLUMNS
                + " from model_aliases where project = ? and model = ? and alias = ?")
        .params(project, model, alias)
        .query(ModelStore::mapAlias)
        .optional();
  }

  public List<AliasRecord> aliases(String project, String model) {
    return jdbc.sql(
            "select "
                + ALIAS_COLUMNS
                + " from model_aliases where project = ? and model = ? order by alias")
        .params(project, model)
        .query(ModelStore::mapAlias)
        .list();
  }

  /**
   * Points {@code alias} at {@code version} if the alias is still at {@code expectedGeneration}
   * (its generation is its version; 0: the alias does not exist yet), creating or moving it
   * (MLflow's semantics) and raising the generation. False when another writer created, moved or
   * deleted the alias first, or deleted the version: nothing was written; the caller reads again.
   */
  public boolean setAlias(
      String project,
      String model,
      String alias,
      int version,
      Instant now,
      long expectedGeneration) {
    try {
      if (expectedGeneration == 0) {
        return jdbc.sql(
                    "insert into model_aliases (" + ALIAS_COLUMNS + ") values (?, ?, ?, ?, ?, 1)")
                .params(project, model, alias, version, now.toEpochMilli())
                .update()
            == 1;
      }
      return jdbc.sql(
                  "update model_aliases set version = ?, updated_at = ?, generation = ?"
                      + " where project = ? and model = ? and alias = ? and generation = ?")
              .params(
                  version,
                  now.toEpochMilli(),
                  expectedGeneration + 1,
                  project,
                  model,
                  alias,
                  expectedGeneration)
              .update()
          == 1;
    } catch (DataIntegrityViolationException e) {
      // The alias was created meanwhile (its key is taken) or the version deleted (its key is
      // gone): both are another writer's change.
      return false;
    }
  }

  public boolean deleteAlias(String project, String model, String alias) {
    return jdbc.sql("delete from model_aliases where project = ? and model = ? and alias = ?")
            .params(project, model, alias)
            .update()
        > 0;
  }

  /** Deletes a version and the aliases that point at it; returns what was deleted. */
  public Optional<ModelVersionRecord> deleteVersion(String project, String model, int version) {
    return tx.execute(
        status -> {
          Optional<ModelVersionRecord> existing = version(project, model, version);
          if (existing.isPresent()) {
            jdbc.sql("delete from model_aliases where project = ? and model = ? and version = ?")
                .params(project, model, version)
                .update();
            jdbc.sql("delete from model_versions where project = ? and model = ? and version = ?")
                .params(project, model, version)
                .update();
          }
          return existing;
        });
  }

  /** Deletes a model with its versions and aliases; returns the deleted versions. */
  public List<ModelVersionRecord> deleteModel(String project, String model) {
    return tx.execute(
        status -> {
          List<ModelVersionRecord> versions = versions(project, model);
          jdbc.sql("delete from model_aliases where project = ? and model = ?")
              .params(project, model)
              .update();
          jdbc.sql("delete from model_versions where project = ? and model = ?")
              .params(project, model)
              .update();
          jdbc.sql("delete from models where project = ? and name = ?")
              .params(project, model)
              .update();
          return versions;
        });
  }

  private Map<String, Object> versionParams(ModelVersionRecord v) {
    Map<String, Object> params = new HashMap<>();
    params.put("project", v.project());
    params.put("model", v.model());
    params.put("version", v.version());
    params.put("description", v.description());
    params.put("key", v.artifact().key());
    params.put("size", v.artifact().sizeBytes());
    params.put("sha", v.artifact().sha256());
    params.put("signature", json.writeValueAsString(v.signature()));
    params.put("metrics", json.writeValueAsString(v.metrics()));
    params.put("tags", json.writeValueAsString(v.tags()));
    params.put("by", v.lineage().registeredBy());
    params.put("jobName", v.lineage().jobName());
    params.put("jobUid", v.lineage().jobUid());
    params.put("attempt", v.lineage().attempt());
    params.put("path", v.lineage().outputPath());
    params.put("created", v.createdAt().toEpochMilli());
    return params;
  }

  private ModelVersionRecord mapVersion(ResultSet rs, int row) throws SQLException {
    int attempt = rs.getInt("job_attempt");
    Integer jobAttempt = rs.wasNull() ? null : attempt;
    String jobUid = rs.getString("job_uid");
    return new ModelVersionRecord(
        rs.getString("project"),
        rs.getString("model"),
        rs.getInt("version"),
        rs.getString("description"),
        new StoredArtifact(
            rs.getString("artifact_key"),
            rs.getLong("artifact_size"),
            rs.getString("artifact_sha256")),
        json.readValue(rs.getString("signature_json"), ModelSignature.class),
        json.readValue(rs.getString("metrics_json"), new TypeReference<Map<String, Double>>() {}),
        json.readValue(rs.getString("tags_json"), new TypeReference<Map<String, String>>() {}),
        new Lineage(
            rs.getString("registered_by"),
            jobUid == null ? null : rs.getString("project"),
            rs.getString("job_name"),
            jobUid,
            jobAttempt,
            rs.getString("output_path")),
        Instant.ofEpochMilli(rs.getLong("created_at")));
  }

  private static ModelRecord mapModel(ResultSet rs, int row) throws SQLException {
    int latest = rs.getInt("latest");
    Integer latestVersion = rs.wasNull() ? null : latest;
    return new ModelRecord(
        rs.getString("project"),
        rs.getString("name"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        latestVersion,
        rs.getInt("versions"));
  }

  private static AliasRecord mapAlias(ResultSet rs, int row) throws SQLException {
    return new AliasRecord(
        rs.getString("project"),
        rs.getString("model"),
        rs.getString("alias"),
        rs.getInt("version"),
        Instant.ofEpochMilli(rs.getLong("updated_at")),
        rs.getLong("generation"));
  }
}
