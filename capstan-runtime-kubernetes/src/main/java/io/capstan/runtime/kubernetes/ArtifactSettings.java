package io.capstan.runtime.kubernetes;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How artifact mounts reach pods (decision 119): the image whose init container downloads them
 * ({@code capstan.runtime.kubernetes.agent-image}, the server's own image, which runs {@code
 * storage-initializer} when given it as its first argument), and how long the presigned URLs it is
 * handed stay valid ({@code artifact-url-lifetime}).
 *
 * @param agentImage the image, or null when unset: then artifact mounts are refused, naming it
 * @param urlLifetime from 1 second to 7 days (SigV4's longest); long enough for a pod to be
 *     scheduled and its images pulled
 */
public record ArtifactSettings(String agentImage, Duration urlLifetime) {
  /** Twelve hours: long enough for a pod to be placed and its images pulled. */
  public static final Duration DEFAULT_LIFETIME = Duration.ofHours(12);

  private static final Duration MAX_LIFETIME = Duration.ofDays(7);
  private static final Pattern SIMPLE = Pattern.compile("([0-9]+)([smhd])");

  public ArtifactSettings {
    requireNonNull(urlLifetime, "urlLifetime is null");
    agentImage = agentImage == null || agentImage.isBlank() ? null : agentImage;
    if (urlLifetime.compareTo(Duration.ofSeconds(1)) < 0
        || urlLifetime.compareTo(MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException(
          "Expected capstan.runtime.kubernetes.artifact-url-lifetime between 1s and 7d, but was "
              + urlLifetime);
    }
  }

  /** No agent image (artifact mounts refused), 12-hour URLs. */
  public static ArtifactSettings defaults() {
    return new ArtifactSettings(null, DEFAULT_LIFETIME);
  }

  /**
   * A lifetime written {@code 90s}, {@code 30m}, {@code 12h}, {@code 2d} or ISO-8601 {@code PT12H}.
   */
  static Duration lifetime(String text) {
    Matcher simple = SIMPLE.matcher(text);
    try {
      if (simple.matches()) {
        long amount = Long.parseLong(simple.group(1));
        return switch (simple.group(2)) {
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        };
      }
      return Duration.parse(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "Expected capstan.runtime.kubernetes.artifact-url-lifetime as 12h, 30m, 2d or PT12H,"
              + " but was '"
              + text
              + "'",
          e);
    }
  }
}
