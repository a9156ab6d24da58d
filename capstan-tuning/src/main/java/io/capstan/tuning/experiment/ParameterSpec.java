package io.capstan.tuning.experiment;

import static java.util.Objects.requireNonNull;

/** One searched hyperparameter of an experiment. */
public record ParameterSpec(String name, ParameterType type, FeasibleSpace feasibleSpace) {
  public ParameterSpec {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    requireNonNull(feasibleSpace, "feasibleSpace is null");
  }
}
