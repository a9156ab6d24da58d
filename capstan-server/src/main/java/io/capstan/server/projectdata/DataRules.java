package io.capstan.server.projectdata;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Kubernetes' rules for secrets and config maps: names are DNS-1123 labels, keys are {@code
 * [-._a-zA-Z0-9]+} of at most 253 characters (not {@code .} or {@code ..}), and keys and values
 * together hold at most {@value #MAX_BYTES} bytes. A refusal names the field and never quotes a
 * value.
 */
final class DataRules {
  /** 1 MiB, Kubernetes' limit of one secret or config map. */
  static final int MAX_BYTES = 1024 * 1024;

  static final int MAX_NAME = 63;
  static final int MAX_KEY = 253;
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
  private static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]+");

  private DataRules() {}

  static String requireName(String field, String name) {
    if (name == null || name.length() > MAX_NAME || !LABEL.matcher(name).matches()) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          field,
          "Expected "
              + field
              + " to be a DNS-1123 label (1 to "
              + MAX_NAME
              + " lowercase letters, digits or '-', starting and ending with a letter or digit),"
              + " but was "
              + (name == null ? "missing" : "'" + name + "'"));
    }
    return name;
  }

  /** Checks a key of {@code field} ({@code data}, {@code stringData}). */
  static void requireKey(String field, String key) {
    if (key.length() > MAX_KEY
        || !KEY.matcher(key).matches()
        || key.equals(".")
        || key.equals("..")) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          field,
          "Expected every key of "
              + field
              + " to be 1 to "
              + MAX_KEY
              + " letters, digits, '-', '_' or '.' (not '.' or '..'), as Kubernetes allows, but"
              + " found '"
              + key
              + "'");
    }
  }

  /**
   * A secret's values: {@code data} decoded from base64, then {@code stringData} as UTF-8 over it
   * (a key in both takes the {@code stringData} value, as Kubernetes does). Sorted by key.
   */
  static Map<String, byte[]> secretValues(Map<String, String> data, Map<String, String> text) {
    Map<String, byte[]> values = new TreeMap<>();
    for (Map.Entry<String, String> entry : orEmpty(data).entrySet()) {
      requireKey("data", entry.getKey());
      values.put(entry.getKey(), base64("data." + entry.getKey(), entry.getValue()));
    }
    for (Map.Entry<String, String> entry : orEmpty(text).entrySet()) {
      requireKey("stringData", entry.getKey());
      values.put(entry.getKey(), utf8("stringData." + entry.getKey(), entry.getValue()));
    }
    return requireSize(values);
  }

  /** A config map's values as UTF-8, sorted by key. */
  static Map<String, byte[]> configMapValues(Map<String, String> data) {
    Map<String, byte[]> values = new TreeMap<>();
    for (Map.Entry<String, String> entry : orEmpty(data).entrySet()) {
      requireKey("data", entry.getKey());
      values.put(entry.getKey(), utf8("data." + entry.getKey(), entry.getValue()));
    }
    return requireSize(values);
  }

  /** The size of each value in bytes, by key. */
  static Map<String, Integer> sizes(Map<String, byte[]> values) {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    values.forEach((key, value) -> sizes.put(key, value.length));
    return sizes;
  }

  private static Map<String, byte[]> requireSize(Map<String, byte[]> values) {
    long total = 0;
    for (Map.Entry<String, byte[]> entry : values.entrySet()) {
      total += entry.getKey().length() + entry.getValue().length;
    }
    if (total > MAX_BYTES) {
      throw new CapstanException(
          ErrorCode.PAYLOAD_TOO_LARGE,
          "data",
          "Expected keys and values to hold at most "
              + MAX_BYTES
              + " bytes (1 MiB, as Kubernetes allows), but they hold "
              + total);
    }
    return values;
  }

  private static byte[] base64(String field, String value) {
    if (value == null) {
      throw missing(field);
    }
    try {
      return Base64.getDecoder().decode(strict(field, value));
    } catch (IllegalArgumentException e) {
      // The decoder's message quotes a character of the value: never passed on.
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          field,
          "Expected " + field + " to be base64-encoded (use stringData for text), but it is not");
    }
  }

  /** The MIME decoder skips characters outside the alphabet; Kubernetes refuses them. */
  private static String strict(String field, String value) {
    String compact = value.replaceAll("\\s", "");
    if (!compact.matches("[A-Za-z0-9+/]*={0,2}")) {
      throw new IllegalArgumentException(field);
    }
    return compact;
  }

  private static byte[] utf8(String field, String value) {
    if (value == null) {
      throw missing(field);
    }
    return value.getBytes(StandardCharsets.UTF_8);
  }

  private static CapstanException missing(String field) {
    return new CapstanException(
        ErrorCode.INVALID_ARGUMENT, field, "Expected " + field + " to have a value, but was null");
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }
}
