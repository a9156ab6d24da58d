package io.capstan.server.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeyedControllerTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-06T10:00:00Z"));
  private final WorkQueue<String> queue =
      new WorkQueue<>(clock, Duration.ofMillis(100), Duration.ofSeconds(10));
  private final List<String> reconciled = new CopyOnWriteArrayList<>();
  private final Set<String> failing = new java.util.HashSet<>();

  private KeyedController<String> controller(Set<String> everything) {
    return controller(everything, Leadership.ALWAYS);
  }

  private KeyedController<String> controller(Set<String> everything, Leadership leadership) {
    return new KeyedController<>(
        "test-controller",
        queue,
        key -> {
          reconciled.add(key);
          if (failing.contains(key)) {
            throw new IllegalStateException("the runtime did not answer for " + key);
          }
          return key.equals("polling") ? Optional.of(Duration.ofSeconds(2)) : Optional.empty();
        },
        () -> everything,
        Duration.ofSeconds(30),
        clock,
        leadership);
  }

  @Test
  void aResyncLooksAtEveryKeyAndRecurs() {
    KeyedController<String> controller = controller(Set.of("job-a"));

    assertThat(controller.runDue()).isEqualTo(1);
    assertThat(controller.runDue()).as("nothing due until the next resync").isZero();
    clock.advance(Duration.ofSeconds(30));
    assertThat(controller.runDue()).isEqualTo(1);
    assertThat(reconciled).containsExactly("job-a", "job-a");
  }

  @Test
  void aFailingKeyIsRetriedWithGrowingDelaysWhileOthersGoOn() {
    KeyedController<String> controller = controller(Set.of());
    controller.runDue();
    failing.add("job-a");
    controller.enqueue("job-a");
    controller.enqueue("job-b");

    controller.runDue();
    assertThat(reconciled).containsExactly("job-a", "job-b");
    clock.advance(Duration.ofMillis(99));
    assertThat(controller.runDue()).isZero();
    clock.advance(Duration.ofMillis(1));
    assertThat(controller.runDue()).as("first retry after 100 ms").isEqualTo(1);
    clock.advance(Duration.ofMillis(100));
    assertThat(controller.runDue()).as("the second waits 200 ms").isZero();
    clock.advance(Duration.ofMillis(100));
    assertThat(controller.runDue()).isEqualTo(1);

    failing.clear();
    clock.advance(Duration.ofMillis(400));
    controller.runDue();
    assertThat(queue.failures("job-a")).as("a success clears the failures").isZero();
  }

  @Test
  void aReconcileCanAskToBeLookedAtAgainLater() {
    KeyedController<String> controller = controller(Set.of());
    controller.runDue();
    controller.enqueue("polling");
    controller.runDue();

    clock.advance(Duration.ofSeconds(2));
    assertThat(controller.runDue()).isEqualTo(1);
    assertThat(reconciled).containsExactly("polling", "polling");
  }

  /** Leadership that the test hands over; counts the controller's waits for it. */
  private static final class Handover implements Leadership {
    private volatile boolean leading;
    private final AtomicInteger waits = new AtomicInteger();

    @Override
    public boolean leading() {
      return leading;
    }

    @Override
    public synchronized boolean awaitLeading(Duration timeout) throws InterruptedException {
      waits.incrementAndGet();
      if (!leading) {
        wait(5);
      }
      return leading;
    }

    synchronized void lead() {
      leading = true;
      notifyAll();
    }
  }

  @Test
  void keysWaitWhileAnotherReplicaLeadsAndEveryKeyIsLookedAtOnTakingOver() {
    Handover leadership = new Handover();
    KeyedController<String> controller = controller(Set.of("job-a", "job-b"), leadership);
    controller.start();
    try {
      controller.enqueue("job-c");
      await().until(() -> leadership.waits.get() >= 3);
      assertThat(reconciled).as("nothing while another replica leads").isEmpty();

      leadership.lead();

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> assertThat(reconciled).containsExactlyInAnyOrder("job-a", "job-b", "job-c"));
    } finally {
      controller.stop();
    }
  }
}
