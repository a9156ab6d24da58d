package io.capstan.scheduler.simulation;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** GPU allocated in the whole cluster, in thousandths of a device, from {@code time} on. */
public record AllocationSample(Instant time, long gpuMilli) {
  public AllocationSample {
    requireNonNull(time, "time is null");
  }
}
