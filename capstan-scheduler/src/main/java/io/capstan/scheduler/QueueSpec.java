package io.capstan.scheduler;

import static java.util.Objects.requireNonNull;

import io.capstan.scheduler.cluster.ResourceAmounts;

/**
 * A queue (one per project) with its quota, in Kueue's vocabulary: it is guaranteed {@code
 * nominal}; it may use up to {@code nominal + borrowingLimit} by borrowing what other queues leave
 * unused; it lends at most {@code lendingLimit} of its own unused nominal quota. All queues form
 * one cohort.
 *
 * @param weight fair-sharing weight between borrowing queues (dominant-resource shares are divided
 *     by it)
 * @param policy ordering of its pending workloads
 */
public record QueueSpec(
    String name,
    ResourceAmounts nominal,
    ResourceAmounts borrowingLimit,
    ResourceAmounts lendingLimit,
    int weight,
    OrderingPolicy policy) {
  public QueueSpec {
    requireNonNull(name, "name is null");
    requireNonNull(nominal, "nominal is null");
    borrowingLimit = borrowingLimit == null ? ResourceAmounts.UNLIMITED : borrowingLimit;
    lendingLimit = lendingLimit == null ? nominal : lendingLimit.min(nominal);
    requireNonNull(policy, "policy is null");
    if (weight < 1) {
      throw new IllegalArgumentException(
          "Expected the weight of queue " + name + " to be at least 1, but was " + weight);
    }
  }

  /** A queue with a nominal quota, unlimited borrowing, lending all of it, weight 1. */
  public static QueueSpec of(String name, ResourceAmounts nominal, OrderingPolicy policy) {
    return new QueueSpec(name, nominal, null, null, 1, policy);
  }

  /** The most this queue may ever use: nominal plus its borrowing limit. */
  public ResourceAmounts ceiling() {
    return nominal.add(borrowingLimit);
  }
}
