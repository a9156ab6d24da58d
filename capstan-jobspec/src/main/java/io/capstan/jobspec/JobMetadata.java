package io.capstan.jobspec;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * The {@code metadata} of a job document: its name (given, or generated from {@code generateName})
 * and its labels.
 */
record JobMetadata(String name, Map<String, String> labels) {
  /** Leaves room for replica suffixes such as {@code -evaluator-511} in a 63-character label. */
  static final int MAX_NAME_LENGTH = 50;

  static final int GENERATED_SUFFIX_LENGTH = 5;

  /** Kubernetes' alphabet for generated names: no vowels, so no words, and no look-alikes. */
  private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_1123_PREFIX = Pattern.compile("[a-z0-9][-a-z0-9]*");
  private static final List<String> STRICT_FIELDS =
      List.of("name", "generateName", "labels", "annotations");

  JobMetadata {
    requireNonNull(name, "name is null");
    labels = Map.copyOf(labels);
  }

  /**
   * Reads {@code metadata} of {@code document}. {@code name} wins over {@code generateName}, as in
   * Kubernetes.
   *
   * @param strict whether to reject fields other than name, generateName, labels and annotations
   */
  static JobMetadata read(SpecMap document, boolean strict, RandomGenerator random) {
    SpecMap metadata = document.requiredMap("metadata");
    if (strict) {
      metadata.rejectUnknownKeys(STRICT_FIELDS);
    }
    return new JobMetadata(name(metadata, random), labels(metadata));
  }

  private static String name(SpecMap metadata, RandomGenerator random) {
    String name = metadata.optionalString("name");
    if (name != null) {
      if (name.length() > MAX_NAME_LENGTH || !DNS_1123_LABEL.matcher(name).matches()) {
        throw metadata
            .pathOf("name")
            .invalid(
                "Expected metadata.name to be a DNS-1123 label (lowercase letters, digits and '-',"
                    + " starting and ending with a letter or digit) of at most "
                    + MAX_NAME_LENGTH
                    + " characters, but was '"
                    + name
                    + "'");
      }
      return name;
    }
    String prefix = metadata.optionalString("generateName");
    if (prefix == null) {
      throw metadata
          .pathOf("name")
          .invalid("Expected metadata.name or metadata.generateName, but neither is set");
    }
    int maxPrefix = MAX_NAME_LENGTH - GENERATED_SUFFIX_LENGTH;
    if (prefix.length() > maxPrefix || !DNS_1123_PREFIX.matcher(prefix).matches()) {
      throw metadata
          .pathOf("generateName")
          .invalid(
              "Expected metadata.generateName to be the start of a DNS-1123 label (lowercase"
                  + " letters, digits and '-', starting with a letter or digit) of at most "
                  + maxPrefix
                  + " characters, but was '"
                  + prefix
                  + "'");
    }
    StringBuilder generated = new StringBuilder(prefix);
    for (int i = 0; i < GENERATED_SUFFIX_LENGTH; i++) {
      generated.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
    }
    return generated.toString();
  }

  private static Map<String, String> labels(SpecMap metadata) {
    SpecMap labels = metadata.optionalMap("labels");
    Map<String, String> result = new LinkedHashMap<>();
    if (labels == null) {
      return result;
    }
    for (String key : labels.values().keySet()) {
      if (key.isEmpty()) {
        throw labels.pathOf(key).invalid("Expected label keys to be non-empty, but found ''");
      }
      String value = labels.optionalScalarAsString(key);
      result.put(key, value == null ? "" : value);
    }
    return result;
  }
}
