package io.capstan.jobspec;

import io.capstan.api.job.Quantities;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Reads CPU, memory and GPU quantities written as Kubernetes writes them: {@code 500m}, {@code 2},
 * {@code 4Gi}, quoted or not.
 */
final class ResourceQuantities {
  private ResourceQuantities() {}

  /** CPU in millicores, 0 when absent. */
  static long cpuMillis(SpecMap resources, String key) {
    String text = quantityText(resources, key, "a CPU quantity such as '2' or '500m'");
    if (text == null) {
      return 0;
    }
    FieldPath field = resources.pathOf(key);
    try {
      return nonNegative(Quantities.parseCpu(text), text, field);
    } catch (IllegalArgumentException e) {
      throw field.invalid(e.getMessage() + " in " + field, e);
    }
  }

  /** Memory in bytes, 0 when absent. */
  static long memoryBytes(SpecMap resources, String key) {
    String text = quantityText(resources, key, "a memory quantity such as '512Mi' or '4Gi'");
    if (text == null) {
      return 0;
    }
    FieldPath field = resources.pathOf(key);
    try {
      return nonNegative(Quantities.parseMemory(text), text, field);
    } catch (IllegalArgumentException e) {
      throw field.invalid(e.getMessage() + " in " + field, e);
    }
  }

  /** Whole GPU devices, 0 when absent; {@code 1} and {@code "1"} are both accepted. */
  static int gpus(SpecMap resources, String key) {
    String text = quantityText(resources, key, "a whole number of GPUs");
    if (text == null) {
      return 0;
    }
    FieldPath field = resources.pathOf(key);
    try {
      BigInteger gpus = new BigDecimal(text.trim()).toBigIntegerExact();
      if (gpus.signum() >= 0 && gpus.bitLength() < Integer.SIZE) {
        return gpus.intValue();
      }
    } catch (NumberFormatException | ArithmeticException e) {
      throw field.invalid(
          "Expected " + field + " to be a whole number of GPUs, but was '" + text + "'", e);
    }
    throw field.invalid(
        "Expected " + field + " to be a non-negative whole number of GPUs, but was '" + text + "'");
  }

  private static String quantityText(SpecMap resources, String key, String expected) {
    Object value = resources.get(key);
    if (value == null) {
      return null;
    }
    if (value instanceof String || value instanceof Number) {
      return SpecMap.scalarAsString(value, resources.pathOf(key));
    }
    FieldPath field = resources.pathOf(key);
    throw field.invalid(
        "Expected " + field + " to be " + expected + ", but was " + SpecMap.describe(value));
  }

  private static long nonNegative(long amount, String text, FieldPath field) {
    if (amount < 0) {
      throw field.invalid(
          "Expected " + field + " to be a non-negative quantity, but was '" + text + "'");
    }
    return amount;
  }
}
