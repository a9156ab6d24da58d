package io.capstan.api.identity;

import java.time.Instant;

/**
 * A Capstan token that a sign-in with the identity provider started.
 *
 * @param user the signed-in user (created on first sign-in)
 * @param token the bearer secret, shown only in this answer
 * @param expiresAt when the server stops accepting it
 */
public record SessionView(String user, String token, Instant expiresAt) {
  /** Never shows the token. */
  @Override
  public String toString() {
    return "SessionView[user=" + user + ", token=***, expiresAt=" + expiresAt + "]";
  }
}
