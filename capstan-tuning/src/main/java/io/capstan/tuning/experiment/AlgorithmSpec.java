package io.capstan.tuning.experiment;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import java.util.List;
import java.util.Set;

/**
 * A suggestion ({@code spec.algorithm}) or early-stopping ({@code spec.earlyStopping}) algorithm:
 * its name and settings, with the path they were read from so that errors about a setting name it.
 */
public record AlgorithmSpec(String path, String algorithmName, List<AlgorithmSetting> settings) {
  public AlgorithmSpec {
    requireNonNull(path, "path is null");
    requireNonNull(algorithmName, "algorithmName is null");
    settings = List.copyOf(settings);
  }

  /** The value of setting {@code name}, or null when it is not set. */
  public String setting(String name) {
    return settings.stream()
        .filter(setting -> setting.name().equals(name))
        .map(AlgorithmSetting::value)
        .reduce((first, last) -> last)
        .orElse(null);
  }

  /**
   * The path of setting {@code name}'s value, as {@code spec.algorithm.algorithmSettings[1].value}.
   */
  public String settingPath(String name) {
    for (int i = settings.size() - 1; i >= 0; i--) {
      if (settings.get(i).name().equals(name)) {
        return path + ".algorithmSettings[" + i + "].value";
      }
    }
    return path + ".algorithmSettings";
  }

  /** Refuses a setting whose name is not in {@code known}, naming the ones that are. */
  public void rejectUnknownSettings(Set<String> known) {
    for (int i = 0; i < settings.size(); i++) {
      String name = settings.get(i).name();
      if (!known.contains(name)) {
        throw CapstanException.invalidSpec(
            path + ".algorithmSettings[" + i + "].name",
            "Expected the settings of "
                + algorithmName
                + " to be among "
                + (known.isEmpty() ? "(none)" : String.join(", ", known.stream().sorted().toList()))
                + ", but found '"
                + name
                + "'");
      }
    }
  }

  /** Setting {@code name} as an int, at least {@code least}, or {@code otherwise} when unset. */
  public int intSetting(String name, int otherwise, int least) {
    double value = numberSetting(name, otherwise);
    if (value != Math.rint(value) || value < least || value > Integer.MAX_VALUE) {
      throw CapstanException.invalidSpec(
          settingPath(name),
          "Expected setting "
              + name
              + " of "
              + algorithmName
              + " to be an integer of at least "
              + least
              + ", but was '"
              + setting(name)
              + "'");
    }
    return (int) value;
  }

  /** Setting {@code name} as a number, or {@code otherwise} when unset. */
  public double numberSetting(String name, double otherwise) {
    String text = setting(name);
    if (text == null) {
      return otherwise;
    }
    return SpecNode.parseNumber(text, settingPath(name));
  }

  /** Refuses a value of setting {@code name} outside {@code (low, high)}. */
  public double openRangeSetting(String name, double otherwise, double low, double high) {
    double value = numberSetting(name, otherwise);
    if (!(value > low && value < high)) {
      throw CapstanException.invalidSpec(
          settingPath(name),
          "Expected setting "
              + name
              + " of "
              + algorithmName
              + " to be between "
              + low
              + " and "
              + high
              + " (exclusive), but was '"
              + setting(name)
              + "'");
    }
    return value;
  }
}
