package io.capstan.server.queue;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.job.Quantities;
import io.capstan.api.queue.QuotaSpec;
import io.capstan.api.queue.ResourceQuantities;
import io.capstan.scheduler.OrderingPolicy;
import io.capstan.scheduler.QueueSpec;
import io.capstan.scheduler.cluster.ResourceAmounts;
import java.math.BigDecimal;
import java.util.Locale;

/** Converts quotas between the wire ({@link QuotaSpec}) and the scheduler ({@link QueueSpec}). */
final class QuotaMapping {
  private static final int MAX_WEIGHT = 1000;

  private QuotaMapping() {}

  /** Validates a quota from the API; errors name the field ({@code nominal.gpu}). */
  static QueueSpec toQueue(String project, QuotaSpec spec) {
    if (spec == null || spec.nominal() == null) {
      throw invalid(
          "nominal", "Expected a nominal quota, e.g. {\"gpu\": \"4\"}, but it was missing");
    }
    ResourceAmounts nominal = amounts(spec.nominal(), "nominal", ResourceAmounts.ZERO);
    ResourceAmounts borrowing =
        spec.borrowingLimit() == null
            ? null
            : amounts(spec.borrowingLimit(), "borrowingLimit", ResourceAmounts.UNLIMITED);
    ResourceAmounts lending =
        spec.lendingLimit() == null ? null : amounts(spec.lendingLimit(), "lendingLimit", nominal);
    int weight = spec.weight() == null ? 1 : spec.weight();
    if (weight < 1 || weight > MAX_WEIGHT) {
      throw invalid(
          "weight", "Expected weight between 1 and " + MAX_WEIGHT + ", but was " + weight);
    }
    return new QueueSpec(project, nominal, borrowing, lending, weight, policy(spec.policy()));
  }

  static QuotaSpec toWire(QueueSpec queue) {
    return new QuotaSpec(
        quantities(queue.nominal()),
        queue.borrowingLimit().equals(ResourceAmounts.UNLIMITED)
            ? null
            : quantities(queue.borrowingLimit()),
        queue.lendingLimit().equals(queue.nominal()) ? null : quantities(queue.lendingLimit()),
        queue.weight(),
        queue.policy().name());
  }

  static ResourceQuantities quantities(ResourceAmounts amounts) {
    return new ResourceQuantities(
        Quantities.formatCpu(amounts.cpuMillis()),
        Quantities.formatMemory(amounts.memoryBytes()),
        ResourceAmounts.formatGpus(amounts.gpuMilli()));
  }

  private static ResourceAmounts amounts(
      ResourceQuantities quantities, String field, ResourceAmounts absent) {
    return new ResourceAmounts(
        quantities.cpu() == null
            ? absent.cpuMillis()
            : parse(field + ".cpu", () -> Quantities.parseCpu(quantities.cpu())),
        quantities.memory() == null
            ? absent.memoryBytes()
            : parse(field + ".memory", () -> Quantities.parseMemory(quantities.memory())),
        quantities.gpu() == null ? absent.gpuMilli() : gpuMilli(field + ".gpu", quantities.gpu()));
  }

  private interface Parser {
    long parse();
  }

  private static long parse(String field, Parser parser) {
    long value;
    try {
      value = parser.parse();
    } catch (IllegalArgumentException e) {
      throw new CapstanException(ErrorCode.INVALID_ARGUMENT, field, e.getMessage(), e);
    }
    if (value < 0) {
      throw invalid(field, "Expected a non-negative quantity, but was " + value);
    }
    return value;
  }

  /** Whole or fractional GPUs ("4", "0.5") in thousandths. */
  private static long gpuMilli(String field, String text) {
    try {
      BigDecimal gpus = new BigDecimal(text.trim());
      if (gpus.signum() < 0 || gpus.scale() > 3) {
        throw invalid(
            field,
            "Expected a non-negative GPU count with at most 3 decimals, but was '" + text + "'");
      }
      return gpus.movePointRight(3).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          field,
          "Expected a GPU count such as '4' or '0.5', but was '" + text + "'",
          e);
    }
  }

  private static OrderingPolicy policy(String name) {
    if (name == null) {
      return OrderingPolicy.LAS;
    }
    String upper = name.trim().toUpperCase(Locale.ROOT);
    if (upper.equals("LAS") || upper.equals("FIFO")) {
      return OrderingPolicy.valueOf(upper);
    }
    throw invalid("policy", "Expected policy LAS or FIFO, but was '" + name + "'");
  }

  private static CapstanException invalid(String field, String message) {
    return new CapstanException(ErrorCode.INVALID_ARGUMENT, field, message);
  }
}
