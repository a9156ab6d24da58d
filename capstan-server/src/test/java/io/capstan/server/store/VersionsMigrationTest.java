package io.capstan.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The upgrade to versioned rows (migration V12, decision 76) on a database written by the version
 * before: an existing quota is at version 1, so a client that read "no quota" (version 0) cannot
 * overwrite it; users and memberships start at 0.
 */
class VersionsMigrationTest {
  static Stream<DataSource> databases() {
    return MigrationDatabases.bothEngines();
  }

  @ParameterizedTest
  @MethodSource("databases")
  void existingQuotasStartAtVersionOneUsersAndMembershipsAtZero(DataSource db) {
    MigrationDatabases.migrate(db, "11");
    JdbcClient jdbc = JdbcClient.create(db);
    jdbc.sql("insert into users (name, admin, created_at) values ('alice', true, 0)").update();
    jdbc.sql("insert into projects (name, created_at) values ('vision', 0)").update();
    jdbc.sql(
            "insert into memberships (project, user_name, role) values ('vision', 'alice',"
                + " 'admin')")
        .update();
    jdbc.sql(
            "insert into project_quotas (project, nominal_cpu_millis, nominal_memory_bytes,"
                + " nominal_gpu_milli, borrow_cpu_millis, borrow_memory_bytes, borrow_gpu_milli,"
                + " lend_cpu_millis, lend_memory_bytes, lend_gpu_milli, weight, policy,"
                + " updated_at) values ('vision', 0, 0, 4000, 0, 0, 0, 0, 0, 4000, 1, 'LAS', 0)")
        .update();

    MigrationDatabases.migrate(db, null);

    assertThat(version(jdbc, "select version from project_quotas where project = 'vision'"))
        .isEqualTo(1);
    assertThat(version(jdbc, "select version from users where name = 'alice'")).isZero();
    assertThat(version(jdbc, "select version from memberships where user_name = 'alice'")).isZero();
    jdbc.sql("insert into users (name, admin, created_at) values ('bob', false, 0)").update();
    assertThat(version(jdbc, "select version from users where name = 'bob'"))
        .as("a new row's default")
        .isZero();
  }

  private static long version(JdbcClient jdbc, String sql) {
    return jdbc.sql(sql).query(Long.class).single();
  }
}
