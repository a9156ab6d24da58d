package io.capstan.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.PodDemand;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PlacementMemoTest {
  private static final List<PodDemand> FITS = List.of(PodDemand.of(1000, 0, 1));
  private static final List<PodDemand> NOT = List.of(PodDemand.of(1000, 0, 8));

  private final AtomicInteger calls = new AtomicInteger();
  private final Function<List<PodDemand>, Optional<List<PodAllocation>>> placer =
      pods -> {
        calls.incrementAndGet();
        return pods.equals(FITS)
            ? Optional.of(List.of(new PodAllocation("n", pods.get(0), List.of(0))))
            : Optional.empty();
      };
  private final PlacementMemo memo = new PlacementMemo();

  @Test
  void remembersEachShapesAnswer() {
    assertThat(memo.place(FITS, false, placer)).isPresent();
    assertThat(memo.place(FITS, false, placer)).isPresent();
    assertThat(memo.place(NOT, false, placer)).isEmpty();
    assertThat(memo.place(NOT, false, placer)).isEmpty();
    assertThat(calls).hasValue(2);
  }

  @Test
  void keepsOnlyFailuresWhenTheSnapshotLosesRoom() {
    placeBoth();
    memo.lostRoom();
    memo.place(NOT, false, placer);
    assertThat(calls).as("the failure holds").hasValue(2);
    memo.place(FITS, false, placer);
    assertThat(calls).as("the placement is asked again").hasValue(3);
  }

  @Test
  void keepsNothingWhenTheSnapshotChanges() {
    placeBoth();
    memo.changed();
    placeBoth();
    assertThat(calls).hasValue(4);
  }

  private void placeBoth() {
    memo.place(FITS, false, placer);
    memo.place(NOT, false, placer);
  }
}
