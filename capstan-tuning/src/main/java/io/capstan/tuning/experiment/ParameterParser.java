package io.capstan.tuning.experiment;

import static io.capstan.tuning.experiment.SpecNode.invalid;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code spec.parameters}: names unique, a known type, and a feasible space that fits it (a
 * range with min below max for int and double, a non-empty list of distinct values otherwise).
 */
final class ParameterParser {
  private ParameterParser() {}

  /**
   * The parameters of {@code spec}; {@code fixed} names a parameter whose range may be a single
   * value (Hyperband's resource, which the algorithm sets itself).
   */
  static List<ParameterSpec> parse(SpecNode spec, String fixed) {
    List<SpecNode> nodes = spec.nodes("parameters");
    if (nodes.isEmpty()) {
      throw invalid(
          spec.pathOf("parameters"),
          "Expected spec.parameters to list at least one parameter to search, but it is "
              + (spec.has("parameters") ? "empty" : "missing"));
    }
    List<ParameterSpec> parameters = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (SpecNode node : nodes) {
      String name = node.requiredScalar("name");
      if (!names.add(name)) {
        throw invalid(
            node.pathOf("name"),
            "Expected parameter names to be unique, but '" + name + "' appears twice");
      }
      parameters.add(parameter(node, name, name.equals(fixed)));
    }
    return parameters;
  }

  private static ParameterSpec parameter(SpecNode node, String name, boolean fixed) {
    node.requiredScalar("parameterType");
    ParameterType type =
        ParameterType.of(node.oneOf("parameterType", ParameterType.katibNames(), null));
    SpecNode space = node.node("feasibleSpace");
    if (space == null || space.values().isEmpty()) {
      throw invalid(
          node.pathOf("feasibleSpace"),
          "Expected " + node.pathOf("feasibleSpace") + " to be set, but it is missing");
    }
    Distribution distribution =
        Distribution.of(space.oneOf("distribution", Distribution.katibNames(), "uniform"));
    FeasibleSpace feasible =
        type.numericRange()
            ? range(space, type, distribution, fixed)
            : list(space, type, distribution);
    return new ParameterSpec(name, type, feasible);
  }

  private static FeasibleSpace range(
      SpecNode space, ParameterType type, Distribution distribution, boolean fixed) {
    if (!space.list("list").isEmpty()) {
      throw invalid(
          space.pathOf("list"),
          "Expected no list for a parameter of type "
              + type.katibName()
              + " (min, max and step), but found one");
    }
    BigDecimal min = number(space, "min", type);
    BigDecimal max = number(space, "max", type);
    int order = min.compareTo(max);
    if (order > 0 || (order == 0 && !fixed)) {
      throw invalid(
          space.pathOf("max"),
          "Expected "
              + space.pathOf("max")
              + " to be greater than min "
              + min.toPlainString()
              + ", but was "
              + max.toPlainString());
    }
    if (distribution.logScale() && min.signum() <= 0) {
      throw invalid(
          space.pathOf("min"),
          "Expected "
              + space.pathOf("min")
              + " to be above 0 for distribution "
              + distribution.katibName()
              + ", but was "
              + min.toPlainString());
    }
    BigDecimal step = space.has("step") ? number(space, "step", type) : null;
    if (step != null && (step.signum() <= 0 || (!fixed && step.compareTo(max.subtract(min)) > 0))) {
      throw invalid(
          space.pathOf("step"),
          "Expected "
              + space.pathOf("step")
              + " to be above 0 and at most max - min = "
              + max.subtract(min).toPlainString()
              + ", but was "
              + step.toPlainString());
    }
    return FeasibleSpace.range(min, max, step, distribution);
  }

  private static BigDecimal number(SpecNode space, String key, ParameterType type) {
    String text = space.requiredScalar(key);
    BigDecimal value;
    try {
      value = new BigDecimal(text.trim());
    } catch (NumberFormatException e) {
      throw invalid(
          space.pathOf(key),
          "Expected " + space.pathOf(key) + " to be a number, but was '" + text + "'");
    }
    if (type == ParameterType.INT && value.stripTrailingZeros().scale() > 0) {
      throw invalid(
          space.pathOf(key),
          "Expected "
              + space.pathOf(key)
              + " of an int parameter to be an integer, but was '"
              + text
              + "'");
    }
    return value;
  }

  private static FeasibleSpace list(SpecNode space, ParameterType type, Distribution distribution) {
    for (String key : List.of("min", "max", "step")) {
      if (space.has(key)) {
        throw invalid(
            space.pathOf(key),
            "Expected only a list for a parameter of type "
                + type.katibName()
                + ", but found "
                + key);
      }
    }
    List<Object> items = space.list("list");
    if (items.isEmpty()) {
      throw invalid(
          space.pathOf("list"),
          "Expected "
              + space.pathOf("list")
              + " to hold at least one value for a parameter of type "
              + type.katibName()
              + ", but it is "
              + (space.has("list") ? "empty" : "missing"));
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String path = space.pathOf("list") + "[" + i + "]";
      String value = SpecNode.scalarText(items.get(i), path);
      if (type == ParameterType.DISCRETE) {
        SpecNode.parseNumber(value, path);
      }
      if (values.contains(value)) {
        throw invalid(
            path,
            "Expected the values of the list to be distinct, but '" + value + "' appears twice");
      }
      values.add(value);
    }
    return FeasibleSpace.of(values, distribution);
  }
}
