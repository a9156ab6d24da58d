package io.capstan.server.artifact;

import java.util.regex.Pattern;

/**
 * The key syntax every artifact store accepts: a relative path of 1 to 16 segments, each of
 * letters, digits, {@code .}, {@code _} and {@code -}, never {@code .} or {@code ..}; at most 512
 * characters. Valid as a file path and as an S3 object key alike.
 */
public final class ArtifactKeys {
  static final int MAX_LENGTH = 512;
  static final int MAX_SEGMENTS = 16;

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");

  private ArtifactKeys() {}

  /** Returns {@code key} when valid; else IllegalArgumentException saying why. */
  public static String check(String key) {
    if (key == null || key.isEmpty() || key.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "Expected an artifact key of 1 to " + MAX_LENGTH + " characters, but was '" + key + "'");
    }
    String[] segments = key.split("/", -1);
    if (segments.length > MAX_SEGMENTS) {
      throw new IllegalArgumentException(
          "Expected an artifact key of at most "
              + MAX_SEGMENTS
              + " segments, but was '"
              + key
              + "'");
    }
    for (String segment : segments) {
      if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "Expected artifact key segments of letters, digits, '.', '_' and '-' (not '.' or"
                + " '..'), but key '"
                + key
                + "' has '"
                + segment
                + "'");
      }
    }
    return key;
  }

  /** A segment made of {@code text}: characters outside the key alphabet become {@code _}. */
  public static String segment(String text) {
    String cleaned = text.replaceAll("[^A-Za-z0-9._-]", "_");
    return cleaned.equals(".") || cleaned.equals("..") ? "_" : cleaned;
  }
}
