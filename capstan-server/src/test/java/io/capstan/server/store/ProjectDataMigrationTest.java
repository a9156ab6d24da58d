package io.capstan.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Migration V13 (decision 84) on a database written by the version before: the existing projects
 * get secrets and config maps at version 1, which go with their project.
 */
class ProjectDataMigrationTest {
  static Stream<DataSource> databases() {
    return MigrationDatabases.bothEngines();
  }

  @ParameterizedTest
  @MethodSource("databases")
  void anExistingProjectsObjectsStartAtVersionOneAndGoWithIt(DataSource db) {
    MigrationDatabases.migrate(db, "12");
    JdbcClient jdbc = JdbcClient.create(db);
    jdbc.sql("insert into projects (name, created_at) values ('vision', 0)").update();

    MigrationDatabases.migrate(db, null);

    jdbc.sql(
            "insert into project_data (project, kind, name, keys_json, values_text, created_at,"
                + " updated_at, updated_by) values ('vision', 'configmap', 'settings', '{}', '{}',"
                + " 0, 0, 'alice')")
        .update();
    assertThat(jdbc.sql("select version from project_data").query(Long.class).single())
        .isEqualTo(1);
    jdbc.sql("delete from projects where name = 'vision'").update();
    assertThat(jdbc.sql("select count(*) from project_data").query(Long.class).single()).isZero();
  }
}
