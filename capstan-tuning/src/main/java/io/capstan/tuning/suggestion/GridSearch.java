package io.capstan.tuning.suggestion;

import io.capstan.api.error.CapstanException;
import io.capstan.tuning.experiment.ParameterSpec;
import io.capstan.tuning.experiment.ParameterType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Grid search, as Katib's: every combination of min, min + step, ... up to max (a double needs a
 * step, an int steps by 1 by default) and of each list's values, the last parameter varying
 * fastest; the first combination no trial has taken is next, and when all are taken the search is
 * exhausted.
 */
final class GridSearch implements SuggestionAlgorithm {
  static final long MAX_POINTS = 1_000_000;
  private final List<String> names;
  private final List<List<String>> axes;
  private final long size;

  GridSearch(List<ParameterSpec> parameters) {
    names = parameters.stream().map(ParameterSpec::name).toList();
    axes = new ArrayList<>();
    long points = 1;
    for (int i = 0; i < parameters.size(); i++) {
      List<String> axis = axis(parameters.get(i), i);
      axes.add(axis);
      points = Math.multiplyExact(points, axis.size());
      if (points > MAX_POINTS) {
        throw CapstanException.invalidSpec(
            "spec.parameters",
            "Expected a grid of at most "
                + MAX_POINTS
                + " points, but spec.parameters[0.."
                + i
                + "] already make "
                + points);
      }
    }
    size = points;
  }

  private static List<String> axis(ParameterSpec parameter, int index) {
    if (!parameter.type().numericRange()) {
      return parameter.feasibleSpace().list();
    }
    BigDecimal step = parameter.feasibleSpace().step();
    if (step == null && parameter.type() == ParameterType.DOUBLE) {
      throw CapstanException.invalidSpec(
          "spec.parameters[" + index + "].feasibleSpace.step",
          "Expected a step for double parameter '"
              + parameter.name()
              + "' with algorithm grid, but it has none");
    }
    Dimension dimension = Dimension.of(parameter);
    BigDecimal min = parameter.feasibleSpace().min();
    BigDecimal last =
        Dimension.lastGridValue(min, parameter.feasibleSpace().max(), dimension.step());
    List<String> values = new ArrayList<>();
    for (BigDecimal value = min; value.compareTo(last) <= 0; value = value.add(dimension.step())) {
      values.add(
          dimension.external(
              dimension.logScale() ? StrictMath.log(value.doubleValue()) : value.doubleValue()));
      if (values.size() > MAX_POINTS) {
        break;
      }
    }
    return values;
  }

  long size() {
    return size;
  }

  @Override
  public Optional<Assignment> next(ExperimentState state) {
    Set<Map<String, String>> taken = new HashSet<>();
    state.trials().forEach(trial -> taken.add(trial.assignment().values()));
    for (long point = 0; point < size; point++) {
      Assignment assignment = point(point);
      if (!taken.contains(assignment.values())) {
        return Optional.of(assignment);
      }
    }
    throw new SearchExhaustedException(
        "Every one of the " + size + " points of the grid has been tried");
  }

  private Assignment point(long point) {
    Map<String, String> values = new LinkedHashMap<>();
    long rest = point;
    String[] chosen = new String[axes.size()];
    for (int i = axes.size() - 1; i >= 0; i--) {
      List<String> axis = axes.get(i);
      chosen[i] = axis.get((int) (rest % axis.size()));
      rest /= axis.size();
    }
    for (int i = 0; i < chosen.length; i++) {
      values.put(names.get(i), chosen[i]);
    }
    return new Assignment(values);
  }
}
