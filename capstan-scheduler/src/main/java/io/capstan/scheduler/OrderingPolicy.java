package io.capstan.scheduler;

/** How a queue orders its pending workloads (within a priority). */
public enum OrderingPolicy {
  /** Arrival order. */
  FIFO,
  /**
   * Least attained service first (Tiresias-style, discretized): a workload that has received less
   * GPU-time runs first; needs no run-time estimate. Ageing prevents starvation.
   */
  LAS,
  /** Shortest known duration first: an oracle for the simulator only (needs knownDuration). */
  SJF_ORACLE
}
