package io.capstan.tuning.experiment;

import static java.util.Objects.requireNonNull;

/** One {@code name: value} setting of a suggestion or early-stopping algorithm. */
public record AlgorithmSetting(String name, String value) {
  public AlgorithmSetting {
    requireNonNull(name, "name is null");
    requireNonNull(value, "value is null");
  }
}
