package io.capstan.api.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Proof Key for Code Exchange (RFC 7636) with method S256, and the random values of an OpenID
 * sign-in (state, nonce), shared by the server's browser flow and the CLI.
 *
 * @param verifier the secret the client keeps and sends with the code
 * @param challenge BASE64URL(SHA-256(verifier)), sent with the authorization request
 */
public record Pkce(String verifier, String challenge) {
  public static final String METHOD = "S256";

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A new verifier of 32 random bytes (43 characters) and its challenge. */
  public static Pkce create() {
    String verifier = random();
    return new Pkce(verifier, challenge(verifier));
  }

  public static String challenge(String verifier) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Expected the JDK to provide SHA-256, but it did not", e);
    }
  }

  /** 32 random bytes in base64url: a state, a nonce or a verifier. */
  public static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Override
  public String toString() {
    return "Pkce[verifier=***, challenge=" + challenge + "]";
  }
}
