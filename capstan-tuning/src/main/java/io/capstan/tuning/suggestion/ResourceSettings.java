package io.capstan.tuning.suggestion;

import io.capstan.api.error.CapstanException;
import io.capstan.tuning.experiment.AlgorithmSpec;
import io.capstan.tuning.experiment.Experiment;
import io.capstan.tuning.experiment.ObjectiveType;
import io.capstan.tuning.experiment.ParameterSpec;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

/**
 * The settings of the multi-fidelity algorithms under Katib's Hyperband names: {@code
 * resource_name} (an int or double parameter, such as epochs, that the algorithm sets), {@code eta}
 * (3) and {@code r_l}, the most resource one trial gets; ASHA adds {@code r_min} (1), the least.
 * Capstan's own (docs/benchmarks.md, TuningBench): {@code sampler} ({@code random}, Katib's, or
 * {@code tpe}: BOHB's model, {@link ConfigurationSampler}) for both, and Hyperband's {@code
 * repeat_brackets} ({@code false}, Katib's one pass, or {@code true}: the brackets again until
 * maxTrialCount).
 */
record ResourceSettings(
    ParameterSpec resource,
    int eta,
    double maxResource,
    double minResource,
    boolean tpeSampler,
    boolean repeatBrackets) {
  static final Set<String> HYPERBAND =
      Set.of("resource_name", "eta", "r_l", "sampler", "repeat_brackets");
  static final Set<String> ASHA = Set.of("resource_name", "eta", "r_l", "r_min", "sampler");

  static ResourceSettings of(Experiment experiment) {
    AlgorithmSpec spec = experiment.algorithm();
    boolean asha = spec.algorithmName().equals("asha");
    spec.rejectUnknownSettings(asha ? ASHA : HYPERBAND);
    String name = spec.setting("resource_name");
    ParameterSpec resource = experiment.parameter(name == null ? "" : name).orElse(null);
    if (resource == null || !resource.type().numericRange()) {
      throw CapstanException.invalidSpec(
          spec.settingPath("resource_name"),
          "Expected setting resource_name of "
              + spec.algorithmName()
              + " to name an int or double parameter ("
              + String.join(", ", numericNames(experiment.parameters()))
              + "), but was "
              + (name == null ? "missing" : "'" + name + "'"));
    }
    if (spec.setting("r_l") == null) {
      throw CapstanException.invalidSpec(
          spec.path() + ".algorithmSettings",
          "Expected setting r_l (the most "
              + name
              + " one trial gets) of "
              + spec.algorithmName()
              + ", but it is missing");
    }
    int eta = spec.intSetting("eta", 3, 2);
    double max = spec.openRangeSetting("r_l", 0, 0, Double.MAX_VALUE);
    double min = asha ? spec.openRangeSetting("r_min", 1, 0, Double.MAX_VALUE) : max;
    if (min > max) {
      throw CapstanException.invalidSpec(
          spec.settingPath("r_min"),
          "Expected setting r_min to be at most r_l " + max + ", but was " + min);
    }
    return new ResourceSettings(
        resource,
        eta,
        max,
        min,
        choice(spec, "sampler", List.of("random", "tpe")).equals("tpe"),
        !asha && choice(spec, "repeat_brackets", List.of("false", "true")).equals("true"));
  }

  /** A setting that is one of {@code allowed}, the first being its default. */
  private static String choice(AlgorithmSpec spec, String name, List<String> allowed) {
    String value = spec.setting(name);
    if (value == null) {
      return allowed.get(0);
    }
    if (!allowed.contains(value)) {
      throw CapstanException.invalidSpec(
          spec.settingPath(name),
          "Expected setting "
              + name
              + " of "
              + spec.algorithmName()
              + " to be one of "
              + String.join(", ", allowed)
              + ", but was '"
              + value
              + "'");
    }
    return value;
  }

  /** Where new configurations come from. */
  ConfigurationSampler sampler(SearchSpace space, ObjectiveType objective) {
    return new ConfigurationSampler(space, objective, name(), tpeSampler);
  }

  private static List<String> numericNames(List<ParameterSpec> parameters) {
    return parameters.stream()
        .filter(p -> p.type().numericRange())
        .map(ParameterSpec::name)
        .toList();
  }

  String name() {
    return resource.name();
  }

  /** {@code amount} as the resource parameter's value: a whole number of at least 1 for an int. */
  String format(double amount) {
    if (resource.type() == io.capstan.tuning.experiment.ParameterType.INT) {
      return Long.toString(Math.max(1, Math.round(amount)));
    }
    return new BigDecimal(Double.toString(amount)).stripTrailingZeros().toPlainString();
  }

  /** The largest s with eta^s at most {@code ratio} (allowing for rounding). */
  int levels(double ratio) {
    int s = 0;
    double power = eta;
    while (power <= ratio * (1 + 1e-9)) {
      s++;
      power *= eta;
    }
    return s;
  }
}
