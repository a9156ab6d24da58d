package io.capstan.server.identity.oidc;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A verified ID token: who the provider says signed in.
 *
 * @param issuer the provider
 * @param subject the provider's stable id of the user
 * @param claims every claim of the token
 */
public record IdToken(String issuer, String subject, Map<String, Object> claims) {
  public IdToken {
    requireNonNull(issuer, "issuer is null");
    requireNonNull(subject, "subject is null");
    // Not Map.copyOf: a claim may be JSON null.
    claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
  }

  /** The claim as text, or null when absent, not text or blank. */
  public String text(String claim) {
    Object value = claims.get(claim);
    return value instanceof String text && !text.isBlank() ? text : null;
  }

  /** The claim as a list of strings: a JSON array of strings, or one string; empty when absent. */
  public List<String> strings(String claim) {
    Object value = claims.get(claim);
    if (value instanceof String text) {
      return List.of(text);
    }
    if (value instanceof Collection<?> values) {
      return values.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }
    return List.of();
  }
}
