package io.capstan.server.store;

import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A fresh, migrated database of one kind, for store tests that run on every supported database.
 *
 * @param kind {@code h2} or {@code postgresql}
 */
public record TestingDatabase(String kind, DataSource dataSource) {
  /** One new database of each supported kind: embedded H2 and a real PostgreSQL. */
  public static Stream<TestingDatabase> all() {
    return Stream.of(h2(), postgresql());
  }

  public static TestingDatabase h2() {
    return migrated(
        "h2",
        new DriverManagerDataSource(
            "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", ""));
  }

  public static TestingDatabase postgresql() {
    TestingPostgres pg = TestingPostgres.get();
    return migrated("postgresql", new DriverManagerDataSource(pg.newDatabase(), pg.user(), ""));
  }

  private static TestingDatabase migrated(String kind, DataSource dataSource) {
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    return new TestingDatabase(kind, dataSource);
  }

  public JdbcClient jdbc() {
    return JdbcClient.create(dataSource);
  }

  public TransactionTemplate transactions() {
    return new TransactionTemplate(new DataSourceTransactionManager(dataSource));
  }

  @Override
  public String toString() {
    return kind;
  }
}
