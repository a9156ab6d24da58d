package io.capstan.api.identity;

/**
 * An ID token to exchange for a Capstan token.
 *
 * @param idToken the provider's ID token (a signed JWT)
 * @param nonce the nonce the client sent with its authorization request; null for the device flow
 */
public record OidcTokenRequest(String idToken, String nonce) {
  /** Never shows the token. */
  @Override
  public String toString() {
    return "OidcTokenRequest[idToken=***, nonce=" + (nonce == null ? "none" : "***") + "]";
  }
}
