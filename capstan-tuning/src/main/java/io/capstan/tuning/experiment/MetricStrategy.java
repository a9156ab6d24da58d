package io.capstan.tuning.experiment;

import static java.util.Objects.requireNonNull;

/**
 * How a trial's value of one metric is taken from its reports: Katib's {@code min}, {@code max} or
 * {@code latest}.
 */
public record MetricStrategy(String name, String value) {
  public MetricStrategy {
    requireNonNull(name, "name is null");
    requireNonNull(value, "value is null");
  }
}
