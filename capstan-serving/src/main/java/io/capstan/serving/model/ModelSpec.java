package io.capstan.serving.model;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.regex.Pattern;

/** A model version to serve: {@code --model NAME:VERSION=PATH}. */
public record ModelSpec(String name, long version, Path path) {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  public ModelSpec {
    requireNonNull(name, "name is null");
    requireNonNull(path, "path is null");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "expected the model name to match [a-z0-9][a-z0-9-]{0,62}, but was '" + name + "'");
    }
    if (version < 1) {
      throw new IllegalArgumentException(
          "expected the version of model '"
              + name
              + "' to be a positive integer, but was "
              + version);
    }
  }

  /** Parses {@code NAME:VERSION=PATH} or {@code NAME=PATH} (version 1). */
  public static ModelSpec parse(String text) {
    int eq = text.indexOf('=');
    if (eq <= 0 || eq == text.length() - 1) {
      throw new IllegalArgumentException(
          "expected NAME:VERSION=PATH or NAME=PATH, but was '" + text + "'");
    }
    String key = text.substring(0, eq);
    Path path = Path.of(text.substring(eq + 1));
    int colon = key.indexOf(':');
    if (colon < 0) {
      return new ModelSpec(key, 1, path);
    }
    String version = key.substring(colon + 1);
    long parsed;
    try {
      parsed = Long.parseLong(version);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "expected the version in '"
              + text
              + "' to be a positive integer, but was '"
              + version
              + "'",
          e);
    }
    return new ModelSpec(key.substring(0, colon), parsed, path);
  }

  /** Whether {@code name} is a valid model name. */
  public static boolean validName(String name) {
    return NAME.matcher(name).matches();
  }
}
