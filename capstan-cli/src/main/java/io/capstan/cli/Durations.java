package io.capstan.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations such as {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h30m}; formats ages.
 */
public final class Durations {
  private Durations() {}

  private static final Pattern WHOLE = Pattern.compile("(\\d+(ms|s|m|h|d))+");
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException with a message naming what was found
   */
  public static Duration parse(String text) {
    String s = text.trim();
    if (!WHOLE.matcher(s).matches()) {
      throw new IllegalArgumentException(
          "Expected a duration such as 500ms, 30s, 10m, 1h or 2d, but was '" + text + "'");
    }
    Duration total = Duration.ZERO;
    Matcher part = PART.matcher(s);
    while (part.find()) {
      long amount = Long.parseLong(part.group(1));
      total =
          total.plus(
              switch (part.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
              });
    }
    return total;
  }

  /**
   * The age of something, in its largest whole unit: {@code 5s}, {@code 3m}, {@code 2h}, {@code
   * 4d}.
   */
  public static String age(Duration age) {
    long seconds = Math.max(0, age.getSeconds());
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return seconds / 60 + "m";
    }
    if (seconds < 86400) {
      return seconds / 3600 + "h";
    }
    return seconds / 86400 + "d";
  }

  /** A short form of a duration for messages: {@code 500ms}, {@code 30s}, {@code 10m}. */
  public static String format(Duration duration) {
    if (duration.toMillis() < 1000 || duration.toMillis() % 1000 != 0) {
      return duration.toMillis() + "ms";
    }
    long seconds = duration.getSeconds();
    if (seconds % 86400 == 0) {
      return seconds / 86400 + "d";
    }
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }
}
