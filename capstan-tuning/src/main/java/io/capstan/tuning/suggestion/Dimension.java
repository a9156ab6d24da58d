package io.capstan.tuning.suggestion;

import static java.util.Objects.requireNonNull;

import io.capstan.tuning.experiment.Distribution;
import io.capstan.tuning.experiment.FeasibleSpace;
import io.capstan.tuning.experiment.ParameterSpec;
import io.capstan.tuning.experiment.ParameterType;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;

/**
 * One parameter as the algorithms search it. A numeric parameter lives in an internal coordinate,
 * the log of the value on a log scale, stretched by half a step at each end so that rounding to the
 * step (or to integers) gives the end values their fair share; a categorical or discrete one is the
 * index of its choice.
 */
record Dimension(ParameterSpec spec, double low, double high, BigDecimal step) {
  private static final MathContext SIGNIFICANT = new MathContext(10);

  Dimension {
    requireNonNull(spec, "spec is null");
  }

  static Dimension of(ParameterSpec spec) {
    FeasibleSpace space = spec.feasibleSpace();
    if (!spec.type().numericRange()) {
      return new Dimension(spec, 0, space.list().size(), null);
    }
    BigDecimal step = space.step();
    if (step == null && spec.type() == ParameterType.INT) {
      step = BigDecimal.ONE;
    }
    double min = space.min().doubleValue();
    double max = space.max().doubleValue();
    if (step != null) {
      double half = step.doubleValue() / 2;
      max = lastGridValue(space.min(), space.max(), step).doubleValue();
      min = log(space) && min - half <= 0 ? min : min - half;
      max = max + half;
    }
    return log(space)
        ? new Dimension(spec, StrictMath.log(min), StrictMath.log(max), step)
        : new Dimension(spec, min, max, step);
  }

  private static boolean log(FeasibleSpace space) {
    return space.distribution().logScale();
  }

  /** The largest min + k * step not above max. */
  static BigDecimal lastGridValue(BigDecimal min, BigDecimal max, BigDecimal step) {
    BigDecimal count = max.subtract(min).divideToIntegralValue(step);
    return min.add(step.multiply(count));
  }

  String name() {
    return spec.name();
  }

  boolean categorical() {
    return !spec.type().numericRange();
  }

  List<String> choices() {
    return spec.feasibleSpace().list();
  }

  boolean logScale() {
    return spec.feasibleSpace().distribution().logScale();
  }

  /** A value drawn from the parameter's prior distribution. */
  String sample(TrialRandom random) {
    if (categorical()) {
      return choices().get(random.nextInt(choices().size()));
    }
    Distribution distribution = spec.feasibleSpace().distribution();
    if (distribution == Distribution.NORMAL || distribution == Distribution.LOG_NORMAL) {
      return external(truncatedNormal(random, (low + high) / 2, (high - low) / 6));
    }
    return external(random.uniform(low, high));
  }

  /** A normal draw kept inside [low, high] by drawing again (the same draws on every machine). */
  double truncatedNormal(TrialRandom random, double mean, double sigma) {
    for (int i = 0; i < 64; i++) {
      double x = mean + sigma * random.nextGaussian();
      if (x >= low && x <= high) {
        return x;
      }
    }
    return Math.min(high, Math.max(low, mean));
  }

  /** The internal coordinate of {@code value}. */
  double internal(String value) {
    if (categorical()) {
      return choices().indexOf(value);
    }
    double number = DecimalText.parse(value);
    return logScale() ? StrictMath.log(number) : number;
  }

  /** The value at internal coordinate {@code x}: rounded to the step, kept inside the space. */
  String external(double x) {
    if (categorical()) {
      int index = (int) Math.max(0, Math.min(choices().size() - 1, Math.floor(x)));
      return choices().get(index);
    }
    double value = logScale() ? StrictMath.exp(x) : x;
    FeasibleSpace space = spec.feasibleSpace();
    if (step == null) {
      // ten significant digits: plenty for a hyperparameter, and text that parses fast
      BigDecimal rounded = new BigDecimal(value).round(SIGNIFICANT);
      return format(rounded.max(space.min()).min(space.max()));
    }
    long steps = Math.round((value - space.min().doubleValue()) / step.doubleValue());
    BigDecimal last = lastGridValue(space.min(), space.max(), step);
    long maxSteps = last.subtract(space.min()).divideToIntegralValue(step).longValue();
    BigDecimal exact =
        space.min().add(step.multiply(BigDecimal.valueOf(Math.max(0, Math.min(maxSteps, steps)))));
    return format(exact);
  }

  private String format(BigDecimal exact) {
    if (spec.type() == ParameterType.INT) {
      return exact.toBigInteger().toString();
    }
    return exact.stripTrailingZeros().toPlainString();
  }
}
