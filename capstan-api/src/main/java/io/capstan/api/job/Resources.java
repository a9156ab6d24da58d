package io.capstan.api.job;

/**
 * CPU, memory and GPUs of one replica or one node, as an immutable value.
 *
 * @param cpuMillis CPU in millicores (1000 = one core)
 * @param memoryBytes memory in bytes
 * @param gpus whole GPU devices
 */
public record Resources(long cpuMillis, long memoryBytes, int gpus) {
  public static final Resources NONE = new Resources(0, 0, 0);

  public Resources {
    if (cpuMillis < 0 || memoryBytes < 0 || gpus < 0) {
      throw new IllegalArgumentException(
          "Expected non-negative resources, but was cpu="
              + cpuMillis
              + "m memory="
              + memoryBytes
              + " gpus="
              + gpus);
    }
  }

  public Resources add(Resources other) {
    return new Resources(
        cpuMillis + other.cpuMillis, memoryBytes + other.memoryBytes, gpus + other.gpus);
  }

  /** Subtracts, clamping at zero. */
  public Resources subtract(Resources other) {
    return new Resources(
        Math.max(0, cpuMillis - other.cpuMillis),
        Math.max(0, memoryBytes - other.memoryBytes),
        Math.max(0, gpus - other.gpus));
  }

  public Resources times(int n) {
    return new Resources(cpuMillis * n, memoryBytes * n, gpus * n);
  }

  public boolean fitsIn(Resources capacity) {
    return cpuMillis <= capacity.cpuMillis
        && memoryBytes <= capacity.memoryBytes
        && gpus <= capacity.gpus;
  }

  /** Human form, for example {@code cpu=2 memory=4Gi gpu=1}. */
  @Override
  public String toString() {
    return "cpu="
        + Quantities.formatCpu(cpuMillis)
        + " memory="
        + Quantities.formatMemory(memoryBytes)
        + " gpu="
        + gpus;
  }
}
