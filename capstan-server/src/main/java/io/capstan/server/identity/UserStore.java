package io.capstan.server.identity;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.identity.UserView;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Users in the database (H2 or PostgreSQL). */
public final class UserStore {
  private final JdbcClient jdbc;
  private final Clock clock;

  public UserStore(JdbcClient jdbc, Clock clock) {
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** Creates a user; ALREADY_EXISTS when the name is taken. */
  public UserView create(String name, boolean admin) {
    Instant now = clock.instant();
    try {
      jdbc.sql("insert into users (name, admin, created_at) values (?, ?, ?)")
          .params(name, admin, now.toEpochMilli())
          .update();
    } catch (DuplicateKeyException e) {
      throw new CapstanException(
          ErrorCode.ALREADY_EXISTS, "name", "User '" + name + "' already exists", e);
    }
    return new UserView(name, admin, Instant.ofEpochMilli(now.toEpochMilli()));
  }

  public Optional<UserView> find(String name) {
    return jdbc.sql("select name, admin, created_at from users where name = ?")
        .param(name)
        .query(UserStore::user)
        .optional();
  }

  /** The user, or NOT_FOUND. */
  public UserView get(String name) {
    return find(name).orElseThrow(() -> CapstanException.notFound("User '" + name + "' not found"));
  }

  public List<UserView> list() {
    return jdbc.sql("select name, admin, created_at from users order by name")
        .query(UserStore::user)
        .list();
  }

  /** A user with the version of its row, which every change of the user raises. */
  public record StoredUser(UserView user, long version) {
    public StoredUser {
      requireNonNull(user, "user is null");
    }
  }

  /** The user with its version, or NOT_FOUND. */
  public StoredUser stored(String name) {
    return jdbc.sql("select name, admin, created_at, version from users where name = ?")
        .param(name)
        .query((rs, row) -> new StoredUser(user(rs, row), rs.getLong("version")))
        .optional()
        .orElseThrow(() -> CapstanException.notFound("User '" + name + "' not found"));
  }

  /**
   * Makes {@code name} an installation admin or takes that away, if the user is still at {@code
   * expectedVersion}, raising it; false when another writer changed (or deleted) the user first.
   */
  public boolean setAdmin(String name, boolean admin, long expectedVersion) {
    return jdbc.sql("update users set admin = ?, version = ? where name = ? and version = ?")
            .params(admin, expectedVersion + 1, name, expectedVersion)
            .update()
        == 1;
  }

  public boolean isEmpty() {
    return jdbc.sql("select count(*) from users").query(Long.class).single() == 0;
  }

  private static UserView user(ResultSet rs, int row) throws SQLException {
    return new UserView(
        rs.getString("name"),
        rs.getBoolean("admin"),
        Instant.ofEpochMilli(rs.getLong("created_at")));
  }
}
