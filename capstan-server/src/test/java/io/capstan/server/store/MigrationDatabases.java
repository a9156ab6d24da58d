package io.capstan.server.store;

import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Fresh databases of both engines for migration tests, and Flyway up to a chosen version. */
public final class MigrationDatabases {
  private MigrationDatabases() {}

  /** A new empty H2 database and a new empty PostgreSQL database. */
  public static Stream<DataSource> bothEngines() {
    TestingPostgres pg = TestingPostgres.get();
    return Stream.of(
        new DriverManagerDataSource(
            "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", ""),
        new DriverManagerDataSource(pg.newDatabase(), pg.user(), ""));
  }

  /** Migrates {@code db} up to version {@code target}, or to the latest when it is null. */
  public static void migrate(DataSource db, String target) {
    var config = Flyway.configure().dataSource(db).locations("classpath:db/migration");
    if (target != null) {
      config.target(target);
    }
    config.load().migrate();
  }
}
