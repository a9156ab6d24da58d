package io.capstan.tuning.experiment;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.List;

/**
 * The values a parameter may take: a range [min, max] with an optional step for int and double
 * parameters, or a list for categorical and discrete ones; numbers are kept exact as written.
 */
public record FeasibleSpace(
    BigDecimal min, BigDecimal max, BigDecimal step, List<String> list, Distribution distribution) {
  public FeasibleSpace {
    list = List.copyOf(list);
    requireNonNull(distribution, "distribution is null");
  }

  static FeasibleSpace range(BigDecimal min, BigDecimal max, BigDecimal step, Distribution d) {
    return new FeasibleSpace(
        requireNonNull(min, "min is null"), requireNonNull(max, "max is null"), step, List.of(), d);
  }

  static FeasibleSpace of(List<String> list, Distribution distribution) {
    return new FeasibleSpace(null, null, null, list, distribution);
  }
}
