package io.capstan.scheduler;

import static io.capstan.scheduler.TestingWorkloads.workload;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PendingOrderTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration AGE = Duration.ofHours(1);

  private static PendingOrder at(Duration sinceT0) {
    return new PendingOrder(T0.plus(sinceT0), AGE, 4);
  }

  @Test
  void aWorkloadThatNeverRanNeverStarves() {
    PendingWorkload fresh = workload("fresh").gpus(1).at(T0).pending();

    assertThat(at(Duration.ofDays(30)).starving(fresh)).isFalse();
  }

  @Test
  void aShortRunStarvesAfterTheStarvationAge() {
    // 10 minutes on 2 GPUs: four times its run is 40 minutes, less than the age
    PendingWorkload shortRun = workload("short").gpus(2).at(T0).pending(1_200);

    assertThat(at(Duration.ofMinutes(59)).starving(shortRun)).isFalse();
    assertThat(at(Duration.ofMinutes(61)).starving(shortRun)).isTrue();
  }

  @Test
  void aLongRunStarvesAfterFourTimesItsRunTimeCountedFromItsCurrentWait() {
    // 2 hours on 8 GPUs, preempted at hour 10
    PendingWorkload longRun =
        new PendingWorkload(
            workload("long").gpus(8).at(T0).build(), 8 * 7_200, T0.plus(Duration.ofHours(10)));

    assertThat(at(Duration.ofHours(17)).starving(longRun)).isFalse();
    assertThat(at(Duration.ofHours(18).plusSeconds(1)).starving(longRun)).isTrue();
  }

  @Test
  void aWorkloadWithoutGpusHasNoRunTimeToCount() {
    PendingWorkload cpuOnly = workload("cpu").gpus(0).at(T0).pending(500);

    assertThat(at(Duration.ofDays(30)).starving(cpuOnly)).isFalse();
  }

  @Test
  void theOracleCountsTheKnownDurationAsService() {
    PendingWorkload known =
        workload("known").gpus(1).at(T0).duration(Duration.ofHours(5)).pending();

    assertThat(at(Duration.ofHours(19)).starving(known)).isFalse();
    assertThat(at(Duration.ofHours(21)).starving(known)).isTrue();
  }

  @Test
  void aHugeStarvationAgeMeansNothingStarves() {
    PendingWorkload ran = workload("ran").gpus(1).at(T0).pending(60);
    PendingOrder order =
        new PendingOrder(T0.plus(Duration.ofDays(365)), Duration.ofSeconds(Long.MAX_VALUE), 4);

    assertThat(order.starving(ran)).isFalse();
  }

  @Test
  void sortingTheFirstPositionsPutsThereWhatSortingAllWould() {
    SplittableRandom random = new SplittableRandom(7);
    for (OrderingPolicy policy : OrderingPolicy.values()) {
      for (int round = 0; round < 20; round++) {
        List<PendingWorkload> pending = new ArrayList<>();
        int size = 1 + random.nextInt(300);
        for (int i = 0; i < size; i++) {
          pending.add(
              workload("w" + i)
                  .gpus(1)
                  .priority(random.nextInt(3))
                  .at(T0.plusSeconds(random.nextInt(50)))
                  .duration(Duration.ofMinutes(1 + random.nextInt(10)))
                  .pending(random.nextInt(4) == 0 ? 0 : random.nextInt(40_000)));
        }
        PendingOrder order = at(Duration.ofHours(3));
        List<PendingWorkload> sorted = new ArrayList<>(pending);
        order.sort(sorted, policy);
        int count = random.nextInt(size + 2);
        List<PendingWorkload> first = new ArrayList<>(pending);
        order.sortFirst(first, policy, count);

        int head = Math.min(count, size);
        assertThat(first.subList(0, head)).isEqualTo(sorted.subList(0, head));
        assertThat(new HashSet<>(first.subList(head, size)))
            .isEqualTo(new HashSet<>(sorted.subList(head, size)));
      }
    }
  }
}
