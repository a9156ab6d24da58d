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

  /**
   * As {@link #mayFreeEnough(Workload, WorkingSnapshot, List, int)} for fixed victims and any
   * snapshot with the same nodes, answered from their held amounts sorted once.
   */
  static final class Largest {
    /** Per dimension, the sums of the largest held amounts: {@code [k]} sums the k largest. */
    private final long[][] sums = new long[DIMENSIONS.size()][];

    /** The most victims it answers for; a larger budget gets a true, never a wrong false. */
    private final int most;

    /**
     * The {@code most} largest amounts of all {@code parts} together: of the victims of them all.
     */
    Largest(List<Largest> parts, int most) {
      this.most = most;
      for (int d = 0; d < sums.length; d++) {
        long[] amounts = new long[0];
        for (Largest part : parts) {
          long[] partSums = part.sums[d];
          int taken = Math.min(Math.min(most, part.most), partSums.length - 1);
          int at = amounts.length;
          amounts = Arrays.copyOf(amounts, at + taken);
          for (int k = 1; k <= taken; k++) {
            amounts[at + k - 1] = partSums[k] - partSums[k - 1];
          }
        }
        sums[d] = descendingSums(amounts);
      }
    }

    Largest(WorkingSnapshot snapshot, List<RunningWorkload> victims) {
      this.most = Integer.MAX_VALUE;
      ResourceAmounts[] held = new ResourceAmounts[victims.size()];
      for (int i = 0; i < held.length; i++) {
        held[i] = snapshot.held(victims.get(i));
      }
      for (int d = 0; d < sums.length; d++) {
        long[] amounts = new long[held.length];
        for (int i = 0; i < held.length; i++) {
          amounts[i] = DIMENSIONS.get(d).applyAsLong(held[i]);
        }
        sums[d] = descendingSums(amounts);
      }
    }

    /** {@code [k]}: the sum of the k largest of {@code amounts}, which it sorts. */
    private static long[] descendingSums(long[] amounts) {
      Arrays.sort(amounts);
      long[] sums = new long[amounts.length + 1];
      for (int k = 1; k <= amounts.length; k++) {
        sums[k] = sums[k - 1] + amounts[amounts.length - k];
      }
      return sums;
    }

    /** False when no {@code budget} of the victims could free what {@code candidate} lacks. */
    boolean mayFreeEnough(Workload candidate, WorkingSnapshot snapshot, int budget) {
      if (budget > most) {
        return true;
      }
      ResourceAmounts lacking = candidate.total().subtract(snapshot.free());
      for (int d = 0; d < sums.length; d++) {
        long needed = DIMENSIONS.get(d).applyAsLong(lacking);
        if (needed > 0 && sums[d][Math.max(0, Math.min(budget, sums[d].length - 1))] < needed) {
          return false;
        }
      }
      return true;
    }
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
