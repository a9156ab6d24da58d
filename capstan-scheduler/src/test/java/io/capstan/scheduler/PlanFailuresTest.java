package io.capstan.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.scheduler.cluster.PodDemand;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanFailuresTest {
  private static final long GI = 1L << 30;
  private static final PodDemand ONE_GPU = PodDemand.of(4_000, 32 * GI, 1);
  private static final PodDemand EIGHT_GPUS = PodDemand.of(32_000, 256 * GI, 8);

  private final PlanFailures<String> failures = new PlanFailures<>();

  @Test
  void aFailureHoldsForTheSameAndLargerGangsOfItsKindOnly() {
    failures.add("vision", List.of(EIGHT_GPUS));

    assertThat(failures.contains("vision", List.of(EIGHT_GPUS))).isTrue();
    assertThat(failures.contains("vision", List.of(PodDemand.of(48_000, 256 * GI, 8)))).isTrue();
    assertThat(failures.contains("vision", List.of(PodDemand.of(16_000, 256 * GI, 8)))).isFalse();
    assertThat(failures.contains("vision", List.of(ONE_GPU))).isFalse();
    assertThat(failures.contains("vision", List.of(EIGHT_GPUS, EIGHT_GPUS))).isTrue();
    assertThat(failures.contains("nlp", List.of(EIGHT_GPUS))).isFalse();
  }

  @Test
  void aWholeDeviceIsLargerThanAShareOfOne() {
    failures.add("vision", List.of(PodDemand.sharing(4_000, 32 * GI, 500)));

    assertThat(failures.contains("vision", List.of(ONE_GPU))).isTrue();
    assertThat(failures.contains("vision", List.of(PodDemand.sharing(4_000, 32 * GI, 250))))
        .isFalse();
  }

  @Test
  void gangsCompareReplicaByReplica() {
    failures.add("vision", List.of(ONE_GPU, EIGHT_GPUS));

    assertThat(failures.contains("vision", List.of(EIGHT_GPUS, EIGHT_GPUS))).isTrue();
    assertThat(failures.contains("vision", List.of(EIGHT_GPUS, ONE_GPU))).isFalse();
    assertThat(failures.contains("vision", List.of(ONE_GPU))).isFalse();
  }

  @Test
  void noFailureHoldsOnceTheSnapshotGainsRoomOrVictims() {
    failures.add("vision", List.of(ONE_GPU));
    failures.add("nlp", List.of(EIGHT_GPUS));

    failures.changed();

    assertThat(failures.contains("vision", List.of(ONE_GPU))).isFalse();
    assertThat(failures.contains("nlp", List.of(EIGHT_GPUS))).isFalse();
  }
}
