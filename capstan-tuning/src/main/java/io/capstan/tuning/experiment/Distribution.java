package io.capstan.tuning.experiment;

import java.util.Arrays;
import java.util.List;

/**
 * How a numeric parameter is sampled, as Katib defines it: uniform, log-uniform, or a normal
 * (log-normal) with mean at the middle of [min, max] (of their logs) and a sixth of the range as
 * standard deviation; Capstan keeps normal samples inside [min, max].
 */
public enum Distribution {
  UNIFORM("uniform"),
  LOG_UNIFORM("logUniform"),
  NORMAL("normal"),
  LOG_NORMAL("logNormal");

  private final String katibName;

  Distribution(String katibName) {
    this.katibName = katibName;
  }

  public String katibName() {
    return katibName;
  }

  /** Whether the parameter is searched on a log scale. */
  public boolean logScale() {
    return this == LOG_UNIFORM || this == LOG_NORMAL;
  }

  static List<String> katibNames() {
    return Arrays.stream(values()).map(Distribution::katibName).toList();
  }

  static Distribution of(String katibName) {
    return Arrays.stream(values())
        .filter(distribution -> distribution.katibName.equals(katibName))
        .findFirst()
        .orElseThrow();
  }
}
