package io.capstan.server.notebook;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.server.control.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** One-time login links: good once, for one notebook, for a short time. */
class NotebookLoginsTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T00:00:00Z"));
  private final NotebookLogins logins = new NotebookLogins(clock, Duration.ofMinutes(2));

  @Test
  void aCodeIsGoodOnceForItsNotebook() {
    NotebookLogins.Issued issued = logins.issue("alice", "/notebooks/vision/lab/");
    assertThat(issued.expiresAt()).isEqualTo(Instant.parse("2026-12-07T00:02:00Z"));
    assertThat(issued.toString()).doesNotContain(issued.code());
    assertThat(logins.redeem(issued.code(), "/notebooks/vision/lab/")).contains("alice");
    assertThat(logins.redeem(issued.code(), "/notebooks/vision/lab/")).isEmpty();
  }

  @Test
  void aCodeForAnotherNotebookOrExpiredOrUnknownIsRefused() {
    NotebookLogins.Issued other = logins.issue("alice", "/notebooks/vision/lab/");
    assertThat(logins.redeem(other.code(), "/notebooks/vision/other/")).isEmpty();
    NotebookLogins.Issued late = logins.issue("alice", "/notebooks/vision/lab/");
    clock.advance(Duration.ofMinutes(2));
    assertThat(logins.redeem(late.code(), "/notebooks/vision/lab/")).isEmpty();
    assertThat(logins.redeem("made-up", "/notebooks/vision/lab/")).isEmpty();
    assertThat(logins.redeem(null, "/notebooks/vision/lab/")).isEmpty();
  }
}
