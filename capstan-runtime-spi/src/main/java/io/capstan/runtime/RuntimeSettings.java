package io.capstan.runtime;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A read-only view of one runtime's settings, the properties under {@code capstan.runtime.<kind>.}:
 * the runtime parses and checks them itself, and names them in its messages with {@link
 * #property(String)}.
 */
public final class RuntimeSettings {
  private final String prefix;
  private final Function<String, String> lookup;

  private RuntimeSettings(String prefix, Function<String, String> lookup) {
    this.prefix = requireNonNull(prefix, "prefix is null");
    this.lookup = requireNonNull(lookup, "lookup is null");
    if (!prefix.endsWith(".")) {
      throw new IllegalArgumentException(
          "Expected a settings prefix ending in '.', but was '" + prefix + "'");
    }
  }

  /**
   * The settings under {@code prefix} (e.g. {@code capstan.runtime.local.}) that {@code lookup}
   * finds: it takes a full property name and returns its value, or null when it is not set.
   */
  public static RuntimeSettings of(String prefix, Function<String, String> lookup) {
    return new RuntimeSettings(prefix, lookup);
  }

  /** The settings under {@code prefix}, from a map of names without the prefix to values. */
  public static RuntimeSettings of(String prefix, Map<String, String> values) {
    Map<String, String> copy = Map.copyOf(requireNonNull(values, "values is null"));
    return new RuntimeSettings(
        prefix,
        property ->
            property.startsWith(prefix) ? copy.get(property.substring(prefix.length())) : null);
  }

  /** The prefix, with its trailing dot. */
  public String prefix() {
    return prefix;
  }

  /** The full name of setting {@code name}, as an operator writes it. */
  public String property(String name) {
    return prefix + name;
  }

  /** The value of setting {@code name} (e.g. {@code pids-max}), trimmed; empty when not set. */
  public Optional<String> get(String name) {
    return Optional.ofNullable(lookup.apply(property(name))).map(String::trim);
  }
}
