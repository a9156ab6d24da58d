package io.capstan.server.leader;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The leases in the database ({@code leader_leases}). Every change is a compare-and-set on the
 * row's version, so of two replicas that saw the same lease expire, one takes it.
 */
final class LeaseStore {
  /** A lease as read: its holder ({@code ""} once given up) and its version. */
  record Lease(String holder, long version) {
    boolean free() {
      return holder.isEmpty();
    }
  }

  private final JdbcClient jdbc;

  LeaseStore(JdbcClient jdbc) {
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
  }

  Optional<Lease> read(String name) {
    return jdbc.sql("select holder, version from leader_leases where name = ?")
        .param(name)
        .query((rs, row) -> new Lease(rs.getString(1), rs.getLong(2)))
        .optional();
  }

  /** Creates the lease held by {@code holder}; false when another replica created it first. */
  boolean create(String name, String holder, long nowMillis) {
    try {
      return jdbc.sql(
                  "insert into leader_leases (name, holder, version, renewed_at) values (?, ?, 1, ?)")
              .params(name, holder, nowMillis)
              .update()
          == 1;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  /**
   * Takes or renews the lease for {@code holder} if it is still at {@code version}; the new version
   * is {@code version + 1}.
   */
  boolean take(String name, String holder, long version, long nowMillis) {
    return jdbc.sql(
                "update leader_leases set holder = ?, version = version + 1, renewed_at = ?"
                    + " where name = ? and version = ?")
            .params(holder, nowMillis, name, version)
            .update()
        == 1;
  }

  /** Gives the lease up, if {@code holder} still has it, so another replica takes it at once. */
  void release(String name, String holder, long nowMillis) {
    jdbc.sql(
            "update leader_leases set holder = '', version = version + 1, renewed_at = ?"
                + " where name = ? and holder = ?")
        .params(nowMillis, name, holder)
        .update();
  }
}
