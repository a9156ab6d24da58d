package io.capstan.serving;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The per-replica secret a model server started by the control plane requires on every request
 * ({@code Authorization: Bearer <secret>} over HTTP, {@code authorization} metadata over gRPC), so
 * that only the gateway and the control plane can call it. Without one (a model server run by hand)
 * every request is let through. Compared in constant time; never printed.
 */
public final class ReplicaSecret {
  /** The environment variable the control plane sets on a serving replica's launch. */
  public static final String ENVIRONMENT = "CAPSTAN_SERVING_SECRET";

  private static final ReplicaSecret OPEN = new ReplicaSecret(null);

  private final byte[] expected;

  private ReplicaSecret(byte[] expected) {
    this.expected = expected;
  }

  /** Requires {@code secret}; a null or blank one leaves the server open. */
  public static ReplicaSecret of(String secret) {
    if (secret == null || secret.isBlank()) {
      return OPEN;
    }
    return new ReplicaSecret(("Bearer " + secret.trim()).getBytes(StandardCharsets.US_ASCII));
  }

  /** From {@value #ENVIRONMENT}, or open when it is not set. */
  public static ReplicaSecret fromEnvironment() {
    return of(System.getenv(ENVIRONMENT));
  }

  public boolean required() {
    return expected != null;
  }

  /** Whether a request with this {@code Authorization} header (or metadata; may be null) passes. */
  public boolean allows(CharSequence authorization) {
    if (expected == null) {
      return true;
    }
    if (authorization == null) {
      return false;
    }
    byte[] given = authorization.toString().getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, given);
  }

  /** The refusal's message: says what was expected, never the secret. */
  public static String refusal(boolean present) {
    return "Expected the replica's secret as 'Authorization: Bearer <secret>' (this model server"
        + " answers only the Capstan gateway and control plane; call the service through the"
        + " gateway), but the request "
        + (present ? "had a different one" : "had none");
  }

  @Override
  public String toString() {
    return expected == null ? "ReplicaSecret[open]" : "ReplicaSecret[required]";
  }
}
