package io.capstan.scheduler.simulation;

import java.util.Arrays;
import java.util.Collection;

/**
 * Mean and nearest-rank percentiles of a sample of values (seconds, ratios), plus Jain's fairness
 * index; immutable.
 */
public final class Distribution {
  private final double[] sorted;

  private Distribution(double[] sorted) {
    this.sorted = sorted;
  }

  public static Distribution of(Collection<Double> values) {
    double[] copy = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(copy);
    return new Distribution(copy);
  }

  public static Distribution of(double... values) {
    double[] copy = values.clone();
    Arrays.sort(copy);
    return new Distribution(copy);
  }

  public int count() {
    return sorted.length;
  }

  /** The mean; 0 when empty. */
  public double mean() {
    if (sorted.length == 0) {
      return 0;
    }
    double sum = 0;
    for (double value : sorted) {
      sum += value;
    }
    return sum / sorted.length;
  }

  /**
   * The nearest-rank percentile: the smallest value with at least {@code p} percent of the values
   * at or below it; 0 when empty.
   */
  public double percentile(double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("Expected a percentile in (0, 100], but was " + p);
    }
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  public double max() {
    return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
  }

  /**
   * Jain's fairness index {@code (sum x)^2 / (n * sum x^2)}: 1 when all values are equal, {@code
   * 1/n} when one value holds everything; 1 when empty or all zero.
   */
  public double jainIndex() {
    double sum = 0;
    double squares = 0;
    for (double value : sorted) {
      sum += value;
      squares += value * value;
    }
    return squares == 0 ? 1.0 : sum * sum / (sorted.length * squares);
  }
}
