package io.capstan.server.runtime;

import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Which runtime runs the replicas ({@code capstan.runtime.kind}, default {@code local}); each
 * runtime reads its own settings under {@code capstan.runtime.<kind>.*}.
 *
 * @param kind the kind of a {@link io.capstan.runtime.WorkloadRuntimeProvider} on the class path
 */
@ConfigurationProperties(prefix = "capstan.runtime")
public record RuntimeProperties(String kind) {
  static final String DEFAULT_KIND = "local";

  public RuntimeProperties {
    kind = kind == null ? DEFAULT_KIND : kind.trim().toLowerCase(Locale.ROOT);
    if (!kind.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?")) {
      throw new IllegalArgumentException(
          "Expected capstan.runtime.kind to be a runtime's kind like 'local' or 'kubernetes', but"
              + " was '"
              + kind
              + "'");
    }
  }
}
