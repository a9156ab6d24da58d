package io.capstan.scheduler.placement;

import static io.capstan.scheduler.placement.TestingNodes.GIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.capstan.scheduler.cluster.PodDemand;
import java.util.List;
import org.junit.jupiter.api.Test;

class FragmentationMeasureTest {
  private static final PodDemand SHARE_300 = PodDemand.sharing(2000, 4 * GIB, 300);
  private static final PodDemand SHARE_600 = PodDemand.sharing(2000, 4 * GIB, 600);
  private static final PodDemand ONE_GPU = PodDemand.of(8000, 4 * GIB, 1);
  private static final PodDemand TWO_GPUS = PodDemand.of(2000, 4 * GIB, 2);
  private static final PodDemand CPU_ONLY = PodDemand.of(1000, GIB, 0);

  private final FragmentationMeasure measure =
      new FragmentationMeasure(
          List.of(
              new TaskType(SHARE_300, 1),
              new TaskType(SHARE_600, 1),
              new TaskType(ONE_GPU, 1),
              new TaskType(TWO_GPUS, 1),
              new TaskType(CPU_ONLY, 1)));

  @Test
  void countsWhatEachTaskTypeCannotUse() {
    int[] gpus = {1000, 500, 200, 0};
    // share 0.3: the 200 left; share 0.6: 500 + 200; one GPU: 700; two GPUs (only one free): all
    // 1700; cpu only: all 1700. Each type weighs 1/5.
    double expected = (200 + 700 + 700 + 1700 + 1700) / 5.0;

    assertThat(measure.of(16_000, 64 * GIB, gpus)).isCloseTo(expected, within(1e-9));
  }

  @Test
  void countsAllFreeGpuForTaskTypesThatLackCpuOrMemory() {
    int[] gpus = {1000, 1000};
    // 4 cpus: every type but ONE_GPU (8 cpus) fits; both devices are free, so only ONE_GPU and
    // CPU_ONLY see fragments.
    assertThat(measure.of(4000, 64 * GIB, gpus)).isCloseTo(2 * 2000 / 5.0, within(1e-9));
    // 2 GiB of memory: only CPU_ONLY fits, and it uses no GPU.
    assertThat(measure.of(16_000, 2 * GIB, gpus)).isCloseTo(2000, within(1e-9));
    assertThat(measure.of(16_000, 64 * GIB, new int[0])).isZero();
  }
}
