package io.capstan.tuning.experiment;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Katib's references to trial metadata in {@code trialParameters[].reference}: {@code
 * ${trialSpec.Name}}, {@code Namespace}, {@code Kind}, {@code APIVersion}, {@code Labels[key]} and
 * {@code Annotations[key]} (the last two read from the template's own metadata).
 */
final class TrialMetadata {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{trialSpec\\.(.+?)}");
  private static final Pattern INDEXED = Pattern.compile("(Labels|Annotations)\\[(.+)]");
  private static final java.util.Set<String> KEYS =
      java.util.Set.of("Name", "Namespace", "Kind", "APIVersion");

  private TrialMetadata() {}

  static boolean isReference(String reference) {
    Matcher matcher = REFERENCE.matcher(reference);
    if (!matcher.matches()) {
      return false;
    }
    String key = matcher.group(1);
    return KEYS.contains(key) || INDEXED.matcher(key).matches();
  }

  /** Whether {@code reference} looks like metadata ({@code ${trialSpec.…}}), valid or not. */
  static boolean looksLikeReference(String reference) {
    return REFERENCE.matcher(reference).matches();
  }

  /**
   * The value of {@code reference} for a trial named {@code trialName} in {@code namespace}, or
   * null when the template has no such label or annotation.
   */
  @SuppressWarnings("unchecked")
  static String value(
      String reference, String trialName, String namespace, Map<String, Object> trialSpec) {
    Matcher matcher = REFERENCE.matcher(reference);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("not a metadata reference: " + reference);
    }
    String key = matcher.group(1);
    switch (key) {
      case "Name":
        return trialName;
      case "Namespace":
        return namespace;
      case "Kind":
        return String.valueOf(trialSpec.get("kind"));
      case "APIVersion":
        return String.valueOf(trialSpec.get("apiVersion"));
      default:
        Matcher indexed = INDEXED.matcher(key);
        if (!indexed.matches()) {
          return null;
        }
        Object metadata = trialSpec.get("metadata");
        Object map =
            metadata instanceof Map<?, ?> m
                ? m.get(indexed.group(1).equals("Labels") ? "labels" : "annotations")
                : null;
        Object value = map instanceof Map<?, ?> values ? values.get(indexed.group(2)) : null;
        return value == null ? null : String.valueOf(value);
    }
  }
}
