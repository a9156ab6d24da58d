package io.capstan.server.identity.oidc;

import io.capstan.server.identity.Names;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * A Capstan user name made from a claim of the provider: lowercase, the part before '@' of an email
 * address, every run of other characters than letters and digits turned into one '-', at most
 * {@link Names#MAX_LENGTH} characters; {@code -2}, {@code -3}, ... appended while the name is
 * taken.
 */
final class UserNames {
  private static final int MAX_SUFFIX = 10_000;

  private UserNames() {}

  /** The claim's value as a label; "user" when nothing of it is left. */
  static String sanitize(String claim) {
    String value = claim == null ? "" : claim.strip().toLowerCase(Locale.ROOT);
    int at = value.indexOf('@');
    if (at > 0) {
      value = value.substring(0, at);
    }
    value = value.replaceAll("[^a-z0-9]+", "-");
    value =
        trimDashes(
            value.length() > Names.MAX_LENGTH ? value.substring(0, Names.MAX_LENGTH) : value);
    return value.isEmpty() ? "user" : value;
  }

  /**
   * {@code base}, or {@code base-N} with the smallest N from 2 for which {@code taken} is false.
   */
  static String unique(String base, Predicate<String> taken) {
    if (!taken.test(base)) {
      return base;
    }
    for (int n = 2; n < MAX_SUFFIX; n++) {
      String suffix = "-" + n;
      String stem =
          base.length() + suffix.length() > Names.MAX_LENGTH
              ? trimDashes(base.substring(0, Names.MAX_LENGTH - suffix.length()))
              : base;
      String candidate = stem + suffix;
      if (!taken.test(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "Expected a free user name starting with '"
            + base
            + "', but "
            + MAX_SUFFIX
            + " were taken");
  }

  private static String trimDashes(String value) {
    int start = 0;
    int end = value.length();
    while (start < end && value.charAt(start) == '-') {
      start++;
    }
    while (end > start && value.charAt(end - 1) == '-') {
      end--;
    }
    return value.substring(start, end);
  }
}
