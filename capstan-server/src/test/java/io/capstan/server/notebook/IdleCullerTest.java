package io.capstan.server.notebook;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.server.control.ManualClock;
import io.capstan.server.store.TestingDatabase;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The idle culler's decisions, poll by poll, on a clock the test moves. */
class IdleCullerTest {
  private static final Duration HOUR = Duration.ofHours(1);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T00:00:00Z"));
  private final TestingDatabase db = TestingDatabase.h2();
  private final IdleCuller culler = new IdleCuller(clock, new NotebookActivityStore(db.jdbc()));

  @BeforeEach
  void notebook() {
    db.jdbc().sql("insert into projects (name, created_at) values ('p', 0)").update();
    db.jdbc()
        .sql(
            "insert into notebooks (uid, project, name, spec_json, desired, created_at,"
                + " created_by, updated_at) values ('nb', 'p', 'lab', '{}', 'RUNNING', 0, 'u', 0)")
        .update();
  }

  @Test
  void aStartedNotebookGetsItsFullCullTimeThenIsCulledWithTheReason() {
    culler.started("nb");
    clock.advance(HOUR.minusSeconds(1));
    culler.polled("nb", false);
    assertThat(culler.cullReason("nb", HOUR)).isEmpty();

    clock.advance(Duration.ofSeconds(1));
    culler.polled("nb", false);

    assertThat(culler.cullReason("nb", HOUR))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .contains("Stopped after 1h idle")
                    .contains("since 2026-12-07T00:00:00Z")
                    .contains("workspace is kept"));
  }

  @Test
  void theCullersOwnPollsAreNoActivity() {
    culler.started("nb");
    for (int minute = 0; minute < 60; minute++) {
      clock.advance(Duration.ofMinutes(1));
      culler.polled("nb", false);
    }
    assertThat(culler.lastActivity("nb")).contains(Instant.parse("2026-12-07T00:00:00Z"));
    assertThat(culler.cullReason("nb", HOUR)).isPresent();
  }

  @Test
  void aRequestThroughTheProxyPostponesCulling() {
    culler.started("nb");
    clock.advance(Duration.ofMinutes(50));
    culler.touched("nb");
    clock.advance(Duration.ofMinutes(50));
    culler.polled("nb", false);
    assertThat(culler.cullReason("nb", HOUR)).isEmpty();
    clock.advance(Duration.ofMinutes(10));
    assertThat(culler.cullReason("nb", HOUR)).isPresent();
  }

  @Test
  void aBusyKernelIsNeverCulledHoweverLongItRuns() {
    culler.started("nb");
    for (int minute = 0; minute < 180; minute++) {
      clock.advance(Duration.ofMinutes(1));
      culler.polled("nb", true);
      assertThat(culler.cullReason("nb", HOUR)).isEmpty();
    }
    clock.advance(HOUR);
    culler.polled("nb", false);
    assertThat(culler.cullReason("nb", HOUR)).isPresent();
  }

  @Test
  void aCullTimeOfZeroNeverCulls() {
    culler.started("nb");
    clock.advance(Duration.ofDays(30));
    culler.polled("nb", false);
    assertThat(culler.cullReason("nb", Duration.ZERO)).isEmpty();
  }

  @Test
  void aNotebookFoundRunningAfterARestartCountsFromTheFirstPoll() {
    clock.advance(Duration.ofMinutes(5));
    culler.polled("nb", false);
    assertThat(culler.lastActivity("nb")).contains(clock.instant());
    clock.advance(Duration.ofMinutes(59));
    assertThat(culler.cullReason("nb", HOUR)).isEmpty();
  }

  @Test
  void aForgottenNotebookIsNotCulledAndStartsAfresh() {
    culler.started("nb");
    clock.advance(Duration.ofHours(2));
    culler.forget("nb");
    assertThat(culler.cullReason("nb", HOUR)).isEmpty();
    assertThat(culler.lastActivity("nb")).isEmpty();
  }

  @Test
  void aRequestThroughAnotherReplicasProxyPostponesTheLeadersCulling() {
    IdleCuller follower = new IdleCuller(clock, new NotebookActivityStore(db.jdbc()));
    culler.started("nb");
    clock.advance(Duration.ofMinutes(50));
    follower.touched("nb");
    clock.advance(Duration.ofMinutes(50));
    culler.polled("nb", false);

    assertThat(culler.cullReason("nb", HOUR)).isEmpty();
    assertThat(culler.lastActivity("nb")).contains(Instant.parse("2026-12-07T00:50:00Z"));
    clock.advance(Duration.ofMinutes(10));
    assertThat(culler.cullReason("nb", HOUR)).isPresent();
  }

  @Test
  void aReplicaWritesItsProxysActivityAtMostEveryTenSeconds() {
    NotebookActivityStore store = new NotebookActivityStore(db.jdbc());
    culler.started("nb");
    clock.advance(Duration.ofSeconds(30));
    culler.touched("nb");
    Instant written = clock.instant();
    clock.advance(Duration.ofSeconds(9));
    culler.touched("nb");

    assertThat(store.last("nb")).contains(written);
    assertThat(culler.lastActivity("nb")).contains(clock.instant());
    clock.advance(Duration.ofSeconds(1));
    culler.touched("nb");
    assertThat(store.last("nb")).contains(clock.instant());
  }

  @Test
  void aNotebookIsReclaimableOnceIdleForTheReclaimTimeAndNeverWhenItIsZeroOrUnseen() {
    Duration reclaim = Duration.ofMinutes(15);
    assertThat(culler.idleFor("nb", reclaim)).as("never seen running here").isFalse();
    culler.started("nb");
    clock.advance(reclaim.minusSeconds(1));
    culler.polled("nb", false);
    assertThat(culler.idleFor("nb", reclaim)).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(culler.idleFor("nb", reclaim)).isTrue();
    assertThat(culler.idleFor("nb", Duration.ZERO)).as("0: never reclaimed").isFalse();
    culler.polled("nb", true);
    assertThat(culler.idleFor("nb", reclaim)).as("a busy kernel is use").isFalse();
  }

  @Test
  void anotherReplicasProxyRequestKeepsANotebookFromBeingReclaimed() {
    Duration reclaim = Duration.ofMinutes(15);
    culler.started("nb");
    clock.advance(Duration.ofMinutes(10));
    new IdleCuller(clock, new NotebookActivityStore(db.jdbc())).touched("nb");
    clock.advance(Duration.ofMinutes(10));
    assertThat(culler.idleFor("nb", reclaim)).isFalse();
    clock.advance(Duration.ofMinutes(5));
    assertThat(culler.idleFor("nb", reclaim)).isTrue();
  }
}
