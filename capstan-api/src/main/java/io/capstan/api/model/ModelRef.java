package io.capstan.api.model;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import java.util.regex.Pattern;

/**
 * A reference to one version of a model: {@code NAME:VERSION} (a number) or {@code NAME@ALIAS}. The
 * alias {@code latest} always means the newest version and cannot be assigned. Shared by the CLI
 * and the server, so both refuse the same references with the same words.
 *
 * @param model the model's name
 * @param version the version number, or null when {@code alias} is set
 * @param alias the alias without its {@code @}, or null when {@code version} is set
 */
public record ModelRef(String model, Integer version, String alias) {
  /** The alias that always means the newest version. */
  public static final String LATEST = "latest";

  /** Longest model name or alias. */
  public static final int MAX_NAME_LENGTH = 63;

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9_.]*[a-z0-9])?");
  private static final Pattern ALIAS = Pattern.compile("[a-z]([-a-z0-9_]*[a-z0-9])?");

  public ModelRef {
    requireNonNull(model, "model is null");
    if ((version == null) == (alias == null)) {
      throw new IllegalArgumentException("exactly one of version and alias must be set");
    }
  }

  /** A reference to version {@code version} of {@code model}. */
  public static ModelRef version(String model, int version) {
    return new ModelRef(model, version, null);
  }

  /** A reference to the version {@code alias} points at. */
  public static ModelRef alias(String model, String alias) {
    return new ModelRef(model, null, alias);
  }

  /**
   * Parses {@code NAME:VERSION} or {@code NAME@ALIAS}.
   *
   * @param field the name of the input field the text came from, for the error
   * @throws CapstanException INVALID_ARGUMENT naming {@code field}, saying what was expected
   */
  public static ModelRef parse(String text, String field) {
    if (text == null || text.isEmpty()) {
      throw invalid(
          field, "Expected " + field + " to be NAME:VERSION or NAME@ALIAS, but it is empty");
    }
    int at = text.indexOf('@');
    int colon = text.indexOf(':');
    if (at >= 0 && colon >= 0) {
      throw invalid(
          field,
          "Expected "
              + field
              + " to be NAME:VERSION or NAME@ALIAS, not both, but was '"
              + text
              + "'");
    }
    if (at < 0 && colon < 0) {
      throw invalid(
          field,
          "Expected "
              + field
              + " to be NAME:VERSION (e.g. churn:3) or NAME@ALIAS (e.g. churn@production), but was '"
              + text
              + "'");
    }
    int split = Math.max(at, colon);
    String model = checkName(text.substring(0, split), field);
    String rest = text.substring(split + 1);
    if (at >= 0) {
      return alias(model, checkAlias(rest, field, true));
    }
    return version(model, parseVersion(rest, field));
  }

  /**
   * Checks a model name: lowercase letters, digits, '-', '_' and '.', starting and ending with a
   * letter or digit, at most {@value #MAX_NAME_LENGTH} characters. Returns it.
   */
  public static String checkName(String name, String field) {
    if (name == null || name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
      throw invalid(
          field,
          "Expected the model name in "
              + field
              + " to be lowercase letters, digits, '-', '_' or '.', starting and ending with a"
              + " letter or digit, at most "
              + MAX_NAME_LENGTH
              + " characters, but was '"
              + name
              + "'");
    }
    return name;
  }

  /**
   * Checks an alias: a lowercase letter, then lowercase letters, digits, '-' or '_'. {@code latest}
   * passes only when {@code allowLatest} (it can be read, never assigned). Returns it.
   */
  public static String checkAlias(String alias, String field, boolean allowLatest) {
    if (alias == null || alias.length() > MAX_NAME_LENGTH || !ALIAS.matcher(alias).matches()) {
      throw invalid(
          field,
          "Expected the alias in "
              + field
              + " to start with a lowercase letter and hold only lowercase letters, digits, '-'"
              + " or '_', at most "
              + MAX_NAME_LENGTH
              + " characters, but was '"
              + alias
              + "'");
    }
    if (!allowLatest && alias.equals(LATEST)) {
      throw invalid(
          field,
          "Expected an alias other than '"
              + LATEST
              + "' in "
              + field
              + ": @latest always means the newest version and cannot be assigned");
    }
    return alias;
  }

  /** Parses a version number: a positive integer. */
  public static int parseVersion(String text, String field) {
    try {
      int version = Integer.parseInt(text);
      if (version >= 1 && text.equals(Integer.toString(version))) {
        return version;
      }
    } catch (NumberFormatException e) {
      // Reported below, with what was found.
    }
    throw invalid(
        field,
        "Expected the version in "
            + field
            + " to be a positive whole number, but was '"
            + text
            + "'");
  }

  /** Whether this reference means the newest version. */
  public boolean latest() {
    return LATEST.equals(alias);
  }

  @Override
  public String toString() {
    return alias == null ? model + ":" + version : model + "@" + alias;
  }

  private static CapstanException invalid(String field, String message) {
    return new CapstanException(ErrorCode.INVALID_ARGUMENT, field, message);
  }
}
