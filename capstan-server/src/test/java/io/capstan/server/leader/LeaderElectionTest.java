package io.capstan.server.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.server.store.TestingDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Two control-plane replicas on one database, H2 and PostgreSQL, each on a clock of its own: one
 * leads at a time, a silent leader is replaced after the lease duration, a leader cut off from the
 * database stops before the others may take over, and a leader that stops hands over at once.
 */
class LeaderElectionTest {
  private static final LeaderElectionProperties TIMINGS =
      new LeaderElectionProperties(
          true, Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2), null);

  static Stream<TestingDatabase> databases() {
    return TestingDatabase.all();
  }

  /** A replica with its own monotonic clock and a database connection that can be cut. */
  private static final class Replica {
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final AtomicBoolean cut = new AtomicBoolean();
    final LeaderElection election;

    Replica(TestingDatabase db, String name) {
      DelegatingDataSource source =
          new DelegatingDataSource(db.dataSource()) {
            @Override
            public Connection getConnection() throws SQLException {
              if (cut.get()) {
                throw new SQLException("connection refused (cut by the test)");
              }
              return super.getConnection();
            }
          };
      election =
          new LeaderElection(
              new LeaseStore(JdbcClient.create(source)),
              name,
              TIMINGS,
              nanos::get,
              Clock.systemUTC());
    }

    void advance(Duration by) {
      nanos.addAndGet(by.toNanos());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void oneReplicaLeadsAndTheOtherWaitsWhileTheLeaseIsRenewed(TestingDatabase db) {
    Replica a = new Replica(db, "a");
    Replica b = new Replica(db, "b");

    assertThat(a.election.tick()).isTrue();
    for (int i = 0; i < 20; i++) {
      assertThat(b.election.tick()).as("b while a renews, try %d", i).isFalse();
      a.advance(Duration.ofSeconds(2));
      b.advance(Duration.ofSeconds(2));
      assertThat(a.election.tick()).isTrue();
    }
    assertThat(a.election.leading()).isTrue();
    assertThat(b.election.leading()).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aSilentLeaderIsReplacedAfterTheLeaseDurationAndStepsDownWhenItWakes(TestingDatabase db) {
    Replica a = new Replica(db, "a");
    Replica b = new Replica(db, "b");
    assertThat(a.election.tick()).isTrue();
    assertThat(b.election.tick()).isFalse();

    b.advance(Duration.ofSeconds(14));
    assertThat(b.election.tick()).as("before the lease duration has passed").isFalse();
    b.advance(Duration.ofSeconds(1));
    assertThat(b.election.tick()).as("once the lease was unchanged for 15 s").isTrue();

    // The old leader was paused (a long GC, a frozen VM) and comes back: the lease moved on.
    a.advance(Duration.ofSeconds(1));
    assertThat(a.election.tick()).isFalse();
    assertThat(a.election.leading()).isFalse();
    assertThat(b.election.tick()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aLeaderCutOffFromTheDatabaseStopsBeforeAnotherMayTakeOver(TestingDatabase db) {
    Replica a = new Replica(db, "a");
    Replica b = new Replica(db, "b");
    assertThat(a.election.tick()).isTrue();
    assertThat(b.election.tick()).isFalse();

    a.cut.set(true);
    a.advance(Duration.ofSeconds(9));
    assertThat(a.election.tick()).as("within the renew deadline").isTrue();
    a.advance(Duration.ofSeconds(1));
    assertThat(a.election.tick())
        .as("at the renew deadline, 10 s after its last renewal")
        .isFalse();

    b.advance(Duration.ofSeconds(14));
    assertThat(b.election.tick()).as("a stopped 4 s ago; the lease is not over yet").isFalse();
    b.advance(Duration.ofSeconds(1));
    assertThat(b.election.tick()).isTrue();

    a.cut.set(false);
    a.advance(Duration.ofSeconds(30));
    assertThat(a.election.tick()).as("back, it sees b renewing").isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aLeaderThatStopsHandsOverAtTheNextTry(TestingDatabase db) throws Exception {
    Replica a = new Replica(db, "a");
    Replica b = new Replica(db, "b");
    assertThat(a.election.tick()).isTrue();
    assertThat(b.election.tick()).isFalse();
    assertThat(b.election.awaitLeading(Duration.ofMillis(10))).isFalse();

    a.election.stop();

    assertThat(a.election.leading()).isFalse();
    assertThat(b.election.tick()).as("no wait for the lease duration").isTrue();
    assertThat(b.election.awaitLeading(Duration.ofMillis(10))).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void twoReplicasThatSeeTheLeaseExpireTogetherElectOne(TestingDatabase db) {
    Replica a = new Replica(db, "a");
    Replica b = new Replica(db, "b");
    Replica c = new Replica(db, "c");
    assertThat(a.election.tick()).isTrue();
    assertThat(b.election.tick()).isFalse();
    assertThat(c.election.tick()).isFalse();

    b.advance(Duration.ofSeconds(16));
    c.advance(Duration.ofSeconds(16));
    boolean bLeads = b.election.tick();
    boolean cLeads = c.election.tick();

    assertThat(bLeads ^ cLeads).as("exactly one of b (%s) and c (%s)", bLeads, cLeads).isTrue();
  }
}
