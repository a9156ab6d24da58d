package io.capstan.server.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WorkQueueTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-06T10:00:00Z"));
  private final WorkQueue<String> queue =
      new WorkQueue<>(clock, Duration.ofMillis(100), Duration.ofSeconds(1));

  @Test
  void aKeyAddedTwiceWaitsOnce() {
    queue.add("job-a");
    queue.add("job-b");
    queue.add("job-a");

    assertThat(queue.poll()).contains("job-a");
    assertThat(queue.poll()).contains("job-b");
    assertThat(queue.poll()).isEmpty();
  }

  @Test
  void aKeyBeingReconciledIsNotHandedOutAgainUntilDoneAndThenOnceMore() {
    queue.add("job-a");
    assertThat(queue.poll()).contains("job-a");

    queue.add("job-a");
    queue.add("job-a");
    assertThat(queue.poll()).as("one reconcile in flight per key").isEmpty();

    queue.done("job-a");
    assertThat(queue.poll()).as("added while in flight: once more afterwards").contains("job-a");
    queue.done("job-a");
    assertThat(queue.poll()).isEmpty();
  }

  @Test
  void aDelayedKeyIsDueOnlyOnceItsTimeHasCome() {
    queue.addAfter("job-a", Duration.ofSeconds(2));
    queue.addAfter("job-a", Duration.ofSeconds(1));

    clock.advance(Duration.ofMillis(999));
    assertThat(queue.poll()).isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(queue.poll()).as("the earlier of two delays wins").contains("job-a");
    queue.done("job-a");
    clock.advance(Duration.ofSeconds(5));
    assertThat(queue.poll()).as("and it came once").isEmpty();
  }

  @Test
  void anAddDuringADelayMakesTheKeyDueAtOnce() {
    queue.addAfter("job-a", Duration.ofSeconds(30));
    queue.add("job-a");

    assertThat(queue.poll()).contains("job-a");
    queue.done("job-a");
    clock.advance(Duration.ofSeconds(30));
    assertThat(queue.poll()).isEmpty();
  }

  @Test
  void failuresInARowDoubleTheDelayUpToTheCapAndSuccessResetsIt() {
    assertThat(queue.retryLater("job-a")).isEqualTo(Duration.ofMillis(100));
    assertThat(queue.retryLater("job-a")).isEqualTo(Duration.ofMillis(200));
    assertThat(queue.retryLater("job-a")).isEqualTo(Duration.ofMillis(400));
    assertThat(queue.retryLater("job-a")).isEqualTo(Duration.ofMillis(800));
    assertThat(queue.retryLater("job-a")).isEqualTo(Duration.ofSeconds(1));
    assertThat(queue.retryLater("job-a")).isEqualTo(Duration.ofSeconds(1));
    assertThat(queue.failures("job-a")).isEqualTo(6);
    assertThat(queue.retryLater("job-b"))
        .as("backoff is per key")
        .isEqualTo(Duration.ofMillis(100));

    queue.forget("job-a");
    assertThat(queue.retryLater("job-a")).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void aDelayedKeyThatComesDueWhileInFlightRunsAfterwards() {
    queue.add("job-a");
    assertThat(queue.poll()).contains("job-a");
    queue.addAfter("job-a", Duration.ofMillis(100));
    clock.advance(Duration.ofMillis(100));

    assertThat(queue.poll()).isEmpty();
    queue.done("job-a");
    assertThat(queue.poll()).contains("job-a");
  }

  @Test
  void takeReturnsEmptyOnceShutDown() throws InterruptedException {
    queue.shutDown();
    queue.add("job-a");

    assertThat(queue.take(Duration.ofSeconds(5))).isEmpty();
  }
}
