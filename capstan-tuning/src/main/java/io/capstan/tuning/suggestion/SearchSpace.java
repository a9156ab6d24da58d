package io.capstan.tuning.suggestion;

import io.capstan.tuning.experiment.ParameterSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The parameters of an experiment as {@link Dimension}s, in {@code spec.parameters} order. */
record SearchSpace(List<Dimension> dimensions) {
  SearchSpace {
    dimensions = List.copyOf(dimensions);
  }

  static SearchSpace of(List<ParameterSpec> parameters) {
    return new SearchSpace(parameters.stream().map(Dimension::of).toList());
  }

  /** An assignment drawn from every parameter's prior with the random numbers of one trial. */
  Assignment sample(TrialRandom random) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Dimension dimension : dimensions) {
      values.put(dimension.name(), dimension.sample(random));
    }
    return new Assignment(values);
  }
}
