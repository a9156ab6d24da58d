package io.capstan.scheduler;

import io.capstan.scheduler.cluster.ResourceAmounts;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A cheap necessary condition of a preemption plan: the candidate's total must fit the free
 * resources once its victims are gone, so at most {@code budget} victims must together free, in
 * every dimension, what the snapshot lacks. It spares the planner its search when the budget left
 * cannot do, e.g. a 64-GPU gang on a cluster full of 1-GPU jobs with 16 preemptions left.
 */
final class VictimBound {
  private static final List<ToLongFunction<ResourceAmounts>> DIMENSIONS =
      List.of(ResourceAmounts::cpuMillis, ResourceAmounts::memoryBytes, ResourceAmounts::gpuMilli);

  private VictimBound() {}

  /** False when no {@code budget} of {@code victims} could free what {@code candidate} lacks. */
  static boolean mayFreeEnough(
      Workload candidate, WorkingSnapshot snapshot, List<RunningWorkload> victims, int budget) {
    ResourceAmounts lacking = candidate.total().subtract(snapshot.free());
    ResourceAmounts[] held = new ResourceAmounts[victims.size()];
    for (int i = 0; i < held.length; i++) {
      held[i] = snapshot.held(victims.get(i));
    }
    for (ToLongFunction<ResourceAmounts> dimension : DIMENSIONS) {
      long needed = dimension.applyAsLong(lacking);
      if (needed > 0) {
        long[] amounts = new long[held.length];
        for (int i = 0; i < held.length; i++) {
          amounts[i] = dimension.applyAsLong(held[i]);
        }
        if (sumOfLargest(amounts, budget) < needed) {
          return false;
        }
      }
    }
    return true;
  }

  /** The sum of the {@code count} largest of {@code values}, of all when there are fewer. */
  static long sumOfLargest(long[] values, int count) {
    if (count >= values.length) {
      return Arrays.stream(values).sum();
    }
    if (count <= 0) {
      return 0;
    }
    // The largest seen so far, ascending: one comparison for most values, which are small.
    long[] largest = Arrays.copyOf(values, count);
    Arrays.sort(largest);
    for (int i = count; i < values.length; i++) {
      long value = values[i];
      if (value > largest[0]) {
        int at = 0;
        while (at + 1 < count && largest[at + 1] < value) {
          largest[at] = largest[at + 1];
          at++;
        }
        largest[at] = value;
      }
    }
    return Arrays.stream(largest).sum();
  }
}
