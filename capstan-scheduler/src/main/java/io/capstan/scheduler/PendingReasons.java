package io.capstan.scheduler;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.cluster.ResourceAmounts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/** The plain-words, with-numbers text of why a pending workload did not start. */
final class PendingReasons {
  private PendingReasons() {}

  /** One quota dimension, for messages: GPUs first, as quotas are mostly about them. */
  private enum Dimension {
    GPU(ResourceAmounts::gpuMilli),
    CPU(ResourceAmounts::cpuMillis),
    MEMORY(ResourceAmounts::memoryBytes);

    private final ToLongFunction<ResourceAmounts> amount;

    Dimension(ToLongFunction<ResourceAmounts> amount) {
      this.amount = amount;
    }

    long of(ResourceAmounts amounts) {
      return amount.applyAsLong(amounts);
    }

    /** The amount with its unit: {@code 4 GPUs}, {@code 2 CPUs}, {@code 8Gi memory}. */
    String format(long value) {
      return number(value) + " " + unit(value);
    }

    String number(long value) {
      return switch (this) {
        case GPU -> ResourceAmounts.formatGpus(value);
        case CPU -> trim(value / 1000.0);
        case MEMORY -> trim(value / (double) (1L << 30)) + "Gi";
      };
    }

    private String unit(long value) {
      return switch (this) {
        case GPU -> value == PodDemand.WHOLE_GPU ? "GPU" : "GPUs";
        case CPU -> value == 1000 ? "CPU" : "CPUs";
        case MEMORY -> "memory";
      };
    }

    private static String trim(double value) {
      return value == Math.rint(value)
          ? Long.toString((long) value)
          : String.format(Locale.ROOT, "%.1f", value);
    }
  }

  static String unknownQueue(String queue) {
    return "queue '" + queue + "' does not exist";
  }

  static String waitingForStops(int jobs) {
    return "waiting for " + jobs + (jobs == 1 ? " preempted job" : " preempted jobs") + " to stop";
  }

  /**
   * Waits so as not to delay a reserved gang; a job of another queue is not named, so that job
   * names do not leak across projects.
   */
  static String behind(Workload head, Workload waiting) {
    ResourceAmounts total = head.total();
    String needs = total.gpuMilli() > 0 ? Dimension.GPU.format(total.gpuMilli()) : total.toString();
    String whom =
        head.queue().equals(waiting.queue())
            ? "job " + head.id()
            : "a job of queue " + head.queue();
    return "waiting behind " + whom + " (reserved: it needs " + needs + ")";
  }

  /** Past the jobs of its queue that a cycle considers: it waits for those ahead of it. */
  static String deferred(Workload workload, int depth, ResourceAmounts free) {
    return "waiting in queue "
        + workload.queue()
        + " behind more than "
        + depth
        + " jobs: a cycle considers the first "
        + depth
        + " of a queue (it needs "
        + workload.total()
        + "; free now "
        + free
        + ")";
  }

  static String overPreemptionLimit(int limit) {
    return "waiting for resources: starting it would need more than the "
        + limit
        + " preemptions left this cycle";
  }

  /** Why quota holds it back, in the dimension that blocks it. */
  static String quota(Workload workload, QuotaBook book, int jobsAhead) {
    return quotaText(workload, book).with(jobsAhead);
  }

  /**
   * The quota reason without the jobs ahead: the same for every workload of a queue with the same
   * total on the same book, so a cycle builds it once for them all.
   */
  static QuotaText quotaText(Workload workload, QuotaBook book) {
    String queue = workload.queue();
    QueueSpec spec = book.spec(queue);
    ResourceAmounts demand = book.governed(workload.total());
    ResourceAmounts usage = book.usage(queue);
    ResourceAmounts borrowable = book.borrowable(queue);
    Dimension dimension = blocking(demand, usage, spec, borrowable);
    long used = dimension.of(usage);
    long nominal = dimension.of(spec.nominal());
    long mayBorrow = mayBorrow(dimension, usage, spec, borrowable);
    StringBuilder text = new StringBuilder();
    text.append("waiting for ")
        .append(dimension.format(dimension.of(demand)))
        .append(": queue ")
        .append(queue)
        .append(" uses ")
        .append(dimension.number(used))
        .append(" of its ")
        .append(dimension.format(nominal))
        .append(" (nominal ")
        .append(dimension.number(nominal))
        .append(", may borrow ")
        .append(dimension.number(mayBorrow))
        .append(" more)");
    StringBuilder lent = new StringBuilder();
    appendLent(lent, book, queue, dimension);
    return new QuotaText(text.toString(), lent.toString());
  }

  /** How much more of {@code dimension} the queue may borrow, by its ceiling and the cohort. */
  private static long mayBorrow(
      Dimension dimension, ResourceAmounts usage, QueueSpec spec, ResourceAmounts borrowable) {
    long used = dimension.of(usage);
    long nominal = dimension.of(spec.nominal());
    long ceilingRoom = dimension.of(spec.ceiling()) - Math.max(used, nominal);
    long cohortRoom = dimension.of(borrowable) - Math.max(0, used - nominal);
    return Math.max(0, Math.min(ceilingRoom, cohortRoom));
  }

  /**
   * Quota and nodes admit it now, but it would borrow what waiting workloads claimed as their
   * preempted victims stop (decision 62).
   *
   * @param later quota usage once the terminating workloads are gone and the claimants started
   * @param claimed per queue, what its waiting workloads claimed this cycle
   */
  static String heldForClaims(
      Workload workload, QuotaBook later, Map<String, ResourceAmounts> claimed) {
    String queue = workload.queue();
    QueueSpec spec = later.spec(queue);
    ResourceAmounts demand = later.governed(workload.total());
    ResourceAmounts borrowable = later.borrowable(queue);
    Dimension dimension = blocking(demand, later.usage(queue), spec, borrowable);
    List<String> holders = new ArrayList<>();
    claimed.forEach(
        (holder, amount) -> {
          if (dimension.of(amount) > 0) {
            holders.add(holder + " (" + dimension.format(dimension.of(amount)) + ")");
          }
        });
    return "waiting for "
        + dimension.format(dimension.of(demand))
        + ": queue "
        + queue
        + " would borrow it, but the quota it could borrow is held for the waiting jobs of "
        + (holders.isEmpty()
            ? "the cohort"
            : (holders.size() == 1 ? "queue " : "queues ") + String.join(", ", holders))
        + ", which start as their preempted jobs stop; queue "
        + queue
        + " may borrow "
        + dimension.number(mayBorrow(dimension, later.usage(queue), spec, borrowable))
        + " more until then";
  }

  /** A quota reason around the place where the jobs ahead go. */
  record QuotaText(String before, String after) {
    String with(int jobsAhead) {
      if (jobsAhead <= 0) {
        return before + after;
      }
      return before
          + "; "
          + jobsAhead
          + (jobsAhead == 1 ? " job" : " jobs")
          + " ahead in the queue"
          + after;
    }

    /** With more than {@code jobs} jobs ahead in the queue. */
    String withMoreThan(int jobs) {
      return before + "; more than " + jobs + " jobs ahead in the queue" + after;
    }
  }

  private static Dimension blocking(
      ResourceAmounts demand, ResourceAmounts usage, QueueSpec spec, ResourceAmounts borrowable) {
    ResourceAmounts after = usage.add(demand);
    ResourceAmounts needed = after.subtract(spec.nominal()).clampToZero();
    for (Dimension dimension : Dimension.values()) {
      if (dimension.of(demand) > 0
          && (dimension.of(after) > dimension.of(spec.ceiling())
              || dimension.of(needed) > dimension.of(borrowable))) {
        return dimension;
      }
    }
    return Dimension.GPU;
  }

  private static void appendLent(
      StringBuilder text, QuotaBook book, String queue, Dimension dimension) {
    long lent = 0;
    List<String> borrowers = new ArrayList<>();
    for (String other : book.queueNames()) {
      long borrowed = dimension.of(book.borrowed(other));
      if (!other.equals(queue) && borrowed > 0) {
        lent += borrowed;
        borrowers.add(other);
      }
    }
    if (lent > 0) {
      text.append("; ")
          .append(dimension.format(lent))
          .append(" in the cluster ")
          .append(lent == PodDemand.WHOLE_GPU && dimension == Dimension.GPU ? "is" : "are")
          .append(" lent to ")
          .append(borrowers.size() == 1 ? "queue " : "queues ")
          .append(String.join(", ", borrowers));
    }
  }

  /** The queue's ceiling is below the whole gang: it can never run in this queue. */
  static String overCeiling(Workload workload, QueueSpec spec, ResourceAmounts demand) {
    Dimension dimension = firstOver(demand, spec.ceiling());
    return "needs "
        + dimension.format(dimension.of(demand))
        + ", more than queue "
        + spec.name()
        + " may ever use: nominal "
        + dimension.number(dimension.of(spec.nominal()))
        + " + borrowing limit "
        + dimension.number(dimension.of(spec.borrowingLimit()))
        + " = "
        + dimension.format(dimension.of(spec.ceiling()));
  }

  /** Even with everything the other queues may lend, the queue cannot get the whole gang. */
  static String overCohort(QueueSpec spec, ResourceAmounts demand, ResourceAmounts mostEver) {
    Dimension dimension = firstOver(demand, mostEver);
    return "needs "
        + dimension.format(dimension.of(demand))
        + ", more than queue "
        + spec.name()
        + " can ever get: nominal "
        + dimension.number(dimension.of(spec.nominal()))
        + " plus at most "
        + dimension.number(dimension.of(mostEver.subtract(spec.nominal()).clampToZero()))
        + " lent by the other queues";
  }

  private static Dimension firstOver(ResourceAmounts amount, ResourceAmounts limit) {
    for (Dimension dimension : Dimension.values()) {
      if (dimension.of(amount) > dimension.of(limit)) {
        return dimension;
      }
    }
    return Dimension.GPU;
  }

  /**
   * Why the nodes hold it back: what it needs against what is free now.
   *
   * @param widest the first node with the most fully free GPUs; null when there are no nodes
   */
  static String resources(Workload workload, ResourceAmounts free, NodeState widest) {
    int pods = workload.pods().size();
    StringBuilder text = new StringBuilder("waiting for resources: needs ");
    text.append(workload.total())
        .append(pods == 1 ? " for its pod" : " for " + pods + " pods as one gang")
        .append("; free now ")
        .append(free);
    if (workload.total().gpuMilli() > 0 && widest != null) {
      int block = widest.fullyFreeGpuCount();
      text.append("; largest free GPU block is ")
          .append(block)
          .append(block == 1 ? " GPU" : " GPUs")
          .append(" on node ")
          .append(widest.name());
    }
    return text.toString();
  }
}
