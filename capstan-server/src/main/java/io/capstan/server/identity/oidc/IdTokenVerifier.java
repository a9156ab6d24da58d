package io.capstan.server.identity.oidc;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies an ID token of the configured provider: a JWS signed with one of the provider's keys
 * (its JWKS, cached and refreshed by nimbus when an unknown key id appears) by an asymmetric
 * algorithm, issued by the discovered issuer, for one of our clients (audience, and {@code azp}
 * when several audiences), not expired, and with the sign-in's nonce when one is expected. Every
 * refusal is UNAUTHENTICATED and says which check failed; none repeats the token.
 */
public final class IdTokenVerifier {
  private static final Set<JWSAlgorithm> ALGORITHMS = algorithms();
  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX_JWKS_BYTES = 512 * 1024;

  private final OidcProvider provider;
  private final Clock clock;
  private volatile Keys keys;

  private record Keys(URI jwksUri, DefaultJWTProcessor<SecurityContext> processor) {}

  public IdTokenVerifier(OidcProvider provider, Clock clock) {
    this.provider = requireNonNull(provider, "provider is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /**
   * The verified token.
   *
   * @param expectedNonce the nonce of this sign-in, or null when the flow had none (device flow)
   */
  public IdToken verify(String idToken, String expectedNonce) {
    if (idToken == null || idToken.isBlank()) {
      throw refused("Expected an ID token, but the request had none");
    }
    SignedJWT jwt;
    JWTClaimsSet unverified;
    try {
      jwt = SignedJWT.parse(idToken.strip());
      unverified = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw refused("Expected an ID token (a signed JWT), but could not parse it");
    }
    OidcProvider.Metadata metadata = provider.metadata();
    // Issuer and audience first, so that a token of another provider or client says so plainly
    // rather than failing on its (necessarily unknown) key.
    requireIssuer(metadata.issuer(), unverified.getIssuer());
    requireAudience(unverified);
    JWTClaimsSet claims = verifySignature(jwt, metadata);
    requireUnexpired(claims);
    requireNonce(expectedNonce, claims);
    if (claims.getSubject() == null || claims.getSubject().isBlank()) {
      throw refused("Expected the ID token to name its subject (sub), but it had none");
    }
    return new IdToken(claims.getIssuer(), claims.getSubject(), claims.getClaims());
  }

  private static void requireIssuer(String expected, String issuer) {
    if (!expected.equals(issuer)) {
      throw refused(
          "Expected an ID token issued by '"
              + expected
              + "', but it was issued by '"
              + OidcProvider.quote(String.valueOf(issuer))
              + "'");
    }
  }

  private void requireAudience(JWTClaimsSet claims) {
    List<String> accepted = provider.config().audiences();
    List<String> audience = claims.getAudience();
    if (audience.stream().noneMatch(accepted::contains)) {
      throw refused(
          "Expected an ID token for client "
              + String.join(" or ", accepted.stream().map(a -> "'" + a + "'").toList())
              + " (its audience), but it was for "
              + OidcProvider.quote(audience.toString()));
    }
    Object azp = claims.getClaim("azp");
    if (audience.size() > 1 && azp != null && !accepted.contains(azp.toString())) {
      throw refused(
          "Expected the ID token's authorized party (azp) to be one of "
              + accepted
              + ", but it was '"
              + OidcProvider.quote(azp.toString())
              + "'");
    }
  }

  private JWTClaimsSet verifySignature(SignedJWT jwt, OidcProvider.Metadata metadata) {
    if (!ALGORITHMS.contains(jwt.getHeader().getAlgorithm())) {
      throw refused(
          "Expected an ID token signed with an asymmetric algorithm (RS*, PS*, ES*, EdDSA), but it"
              + " was signed with "
              + jwt.getHeader().getAlgorithm());
    }
    try {
      return processor(metadata.jwksUri()).process(jwt, null);
    } catch (KeySourceException e) {
      throw new CapstanException(
          ErrorCode.UNAVAILABLE,
          null,
          "Cannot fetch the identity provider's signing keys from "
              + metadata.jwksUri()
              + ": "
              + e.getMessage(),
          e);
    } catch (BadJOSEException | JOSEException e) {
      throw refused(
          "Expected an ID token signed by a key of '"
              + metadata.issuer()
              + "' (its JWKS), but the signature did not verify: "
              + e.getMessage());
    }
  }

  private void requireUnexpired(JWTClaimsSet claims) {
    Instant now = clock.instant();
    if (claims.getExpirationTime() == null) {
      throw refused("Expected the ID token to have an expiry (exp), but it had none");
    }
    Instant expiry = claims.getExpirationTime().toInstant();
    if (!expiry.plus(provider.config().clockSkew()).isAfter(now)) {
      throw refused(
          "Expected an unexpired ID token, but it expired at " + expiry + " (now " + now + ")");
    }
    if (claims.getNotBeforeTime() != null
        && claims.getNotBeforeTime().toInstant().isAfter(now.plus(provider.config().clockSkew()))) {
      throw refused(
          "Expected an ID token valid now, but it is valid only from "
              + claims.getNotBeforeTime().toInstant());
    }
  }

  private static void requireNonce(String expected, JWTClaimsSet claims) {
    if (expected == null) {
      return;
    }
    Object nonce = claims.getClaim("nonce");
    if (nonce == null || !expected.equals(nonce.toString())) {
      throw refused(
          "Expected the ID token's nonce to be the one this sign-in sent, but it was "
              + (nonce == null ? "missing" : "another"));
    }
  }

  /** One processor per JWKS URL; its key source caches the keys and refetches on a new key id. */
  private DefaultJWTProcessor<SecurityContext> processor(URI jwksUri) {
    Keys current = keys;
    if (current != null && current.jwksUri().equals(jwksUri)) {
      return current.processor();
    }
    JWKSource<SecurityContext> source;
    try {
      source =
          JWKSourceBuilder.create(
                  jwksUri.toURL(),
                  new DefaultResourceRetriever(
                      (int) FETCH_TIMEOUT.toMillis(),
                      (int) FETCH_TIMEOUT.toMillis(),
                      MAX_JWKS_BYTES))
              .retrying(true)
              .build();
    } catch (MalformedURLException e) {
      throw new IllegalStateException("Expected jwks_uri to be a URL, but was " + jwksUri, e);
    }
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, source));
    // The claims are checked above and below, with messages that say which check failed.
    processor.setJWTClaimsSetVerifier(null);
    keys = new Keys(jwksUri, processor);
    return processor;
  }

  private static Set<JWSAlgorithm> algorithms() {
    Set<JWSAlgorithm> algorithms = new HashSet<>();
    algorithms.addAll(JWSAlgorithm.Family.RSA);
    algorithms.addAll(JWSAlgorithm.Family.EC);
    algorithms.addAll(JWSAlgorithm.Family.ED);
    return Set.copyOf(algorithms);
  }

  private static CapstanException refused(String message) {
    return new CapstanException(ErrorCode.UNAUTHENTICATED, "idToken", message);
  }
}
