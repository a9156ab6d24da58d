package io.capstan.server.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.server.store.MigrationDatabases;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The upgrade to workloads of a kind (migration V10, decision 70) on a database written by the
 * version before: serving replicas that were labelled jobs are cancelled and marked for deletion,
 * training jobs keep running untouched.
 */
class WorkloadMigrationTest {
  static Stream<DataSource> databases() {
    return MigrationDatabases.bothEngines();
  }

  @ParameterizedTest
  @MethodSource("databases")
  void servingReplicasOfTheEarlierVersionAreCancelledAndDeletedTrainingJobsAreKept(DataSource db) {
    MigrationDatabases.migrate(db, "9");
    JdbcClient jdbc = JdbcClient.create(db);
    jdbc.sql("insert into projects (name, created_at) values ('ml', 0)").update();
    insertJob(jdbc, "churn-v1-a", "RUNNING", "{\"capstan.io/service\":\"svc-1\"}");
    insertJob(jdbc, "churn-v1-b", "FAILED", "{\"capstan.io/service\":\"svc-1\"}");
    insertJob(jdbc, "train", "RUNNING", "{\"team\":\"cv\"}");

    MigrationDatabases.migrate(db, null);

    Map<String, Object> replica = row(jdbc, "churn-v1-a");
    assertThat(replica)
        .containsEntry("KIND", "ServingReplica")
        .containsEntry("DELETING", true)
        .containsEntry("PHASE", "CANCELLED");
    assertThat(row(jdbc, "churn-v1-b"))
        .as("a finished replica keeps its phase")
        .containsEntry("PHASE", "FAILED")
        .containsEntry("DELETING", true);
    assertThat(row(jdbc, "train"))
        .containsEntry("KIND", "TrainingJob")
        .containsEntry("DELETING", false)
        .containsEntry("PHASE", "RUNNING")
        .containsEntry("VERSION", 0L);
  }

  private static void insertJob(JdbcClient jdbc, String name, String phase, String labels) {
    String spec =
        "{\"name\":\""
            + name
            + "\",\"framework\":\"generic\",\"sourceKind\":\"InferenceService\","
            + "\"replicaGroups\":[],\"backoffLimit\":0,\"labels\":"
            + labels
            + "}";
    jdbc.sql(
            "insert into jobs (uid, project, name, spec_json, phase, created_at) values (?, 'ml',"
                + " ?, ?, ?, 0)")
        .params(name + "-uid", name, spec, phase)
        .update();
  }

  private static Map<String, Object> row(JdbcClient jdbc, String name) {
    Map<String, Object> row =
        jdbc.sql("select kind, deleting, phase, version from jobs where name = ?")
            .param(name)
            .query()
            .singleRow();
    Map<String, Object> upper = new java.util.HashMap<>();
    row.forEach((key, value) -> upper.put(key.toUpperCase(), value));
    return upper;
  }
}
