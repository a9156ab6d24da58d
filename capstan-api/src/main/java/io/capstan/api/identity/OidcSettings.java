package io.capstan.api.identity;

import java.util.List;

/**
 * What a client needs to sign in with the installation's OpenID provider.
 *
 * @param issuer the provider's issuer URL
 * @param clientId the client id the CLI signs in as (a public client: no secret)
 * @param scopes the scopes to ask for
 * @param authorizationEndpoint from the provider's discovery document
 * @param tokenEndpoint from the provider's discovery document
 * @param deviceAuthorizationEndpoint from the discovery document; null when the provider has none
 */
public record OidcSettings(
    String issuer,
    String clientId,
    List<String> scopes,
    String authorizationEndpoint,
    String tokenEndpoint,
    String deviceAuthorizationEndpoint) {
  public OidcSettings {
    scopes = scopes == null ? List.of() : List.copyOf(scopes);
  }
}
