package io.capstan.api.job;

import java.math.BigDecimal;
import java.util.Locale;

/** Parses and formats Kubernetes-style quantities: {@code 500m}, {@code 2}, {@code 4Gi}. */
public final class Quantities {
  private Quantities() {}

  /**
   * Parses a CPU quantity into millicores.
   *
   * @throws IllegalArgumentException with a message naming what was found
   */
  public static long parseCpu(String text) {
    String s = text.trim();
    try {
      if (s.endsWith("m")) {
        return Long.parseLong(s.substring(0, s.length() - 1));
      }
      return new BigDecimal(s)
          .movePointRight(3)
          .setScale(0, java.math.RoundingMode.CEILING)
          .longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "Expected a CPU quantity such as '2' or '500m', but was '" + text + "'", e);
    }
  }

  /** Parses a memory quantity ({@code 512Mi}, {@code 4Gi}, {@code 1G}, {@code 1000}) into bytes. */
  public static long parseMemory(String text) {
    String s = text.trim();
    String[][] suffixes = {
      {"Ki", "1024"},
      {"Mi", "1048576"},
      {"Gi", "1073741824"},
      {"Ti", "1099511627776"},
      {"k", "1000"},
      {"K", "1000"},
      {"M", "1000000"},
      {"G", "1000000000"},
      {"T", "1000000000000"}
    };
    try {
      for (String[] suffix : suffixes) {
        if (s.endsWith(suffix[0])) {
          BigDecimal number = new BigDecimal(s.substring(0, s.length() - suffix[0].length()));
          return number
              .multiply(new BigDecimal(suffix[1]))
              .setScale(0, java.math.RoundingMode.CEILING)
              .longValueExact();
        }
      }
      return new BigDecimal(s).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "Expected a memory quantity such as '512Mi' or '4Gi', but was '" + text + "'", e);
    }
  }

  public static String formatCpu(long millis) {
    return millis % 1000 == 0 ? Long.toString(millis / 1000) : millis + "m";
  }

  public static String formatMemory(long bytes) {
    String[] units = {"Ti", "Gi", "Mi", "Ki"};
    long[] sizes = {1L << 40, 1L << 30, 1L << 20, 1L << 10};
    // Exact in Ti, Gi or Mi; otherwise one decimal of the largest unit (23.5Gi, not 24684096Ki).
    for (int i = 0; i < units.length - 1; i++) {
      if (bytes >= sizes[i] && bytes % sizes[i] == 0) {
        return bytes / sizes[i] + units[i];
      }
    }
    for (int i = 0; i < units.length; i++) {
      if (bytes >= sizes[i]) {
        return String.format(Locale.ROOT, "%.1f%s", (double) bytes / sizes[i], units[i]);
      }
    }
    return Long.toString(bytes);
  }
}
