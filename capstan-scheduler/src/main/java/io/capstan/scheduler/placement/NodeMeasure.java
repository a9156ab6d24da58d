package io.capstan.scheduler.placement;

/**
 * A score of a node's free resources that placers cache per snapshot; 0 for placers without one.
 */
@FunctionalInterface
interface NodeMeasure {
  NodeMeasure NONE = (cpuFree, memoryFree, gpuFree) -> 0;

  /**
   * @param gpuFree free thousandths of each device, read only
   */
  double of(long cpuFree, long memoryFree, int[] gpuFree);
}
