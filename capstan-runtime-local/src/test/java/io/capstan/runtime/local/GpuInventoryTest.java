package io.capstan.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.runtime.Node;
import org.junit.jupiter.api.Test;

class GpuInventoryTest {
  @Test
  void parsesNvidiaSmiOutput() {
    String output = "0, NVIDIA H100 80GB HBM3, 81559\n1, NVIDIA A100-SXM4-40GB, 40960\n\n";

    assertThat(GpuInventory.parse(output))
        .containsExactly(
            new Node.Gpu(0, "NVIDIA H100 80GB HBM3", 81559L * 1024 * 1024),
            new Node.Gpu(1, "NVIDIA A100-SXM4-40GB", 40960L * 1024 * 1024));
  }

  @Test
  void detectionFindsNoneWithoutNvidiaSmiAndEveryDeviceWithIt() {
    // No GPU on CI: nvidia-smi is absent or fails, which must mean "no GPUs", not an error.
    assertThat(GpuInventory.detect(NvidiaSmi.onPath()))
        .allSatisfy(gpu -> assertThat(gpu.model()).isNotBlank());
  }
}
