package io.capstan.server.artifact;

import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthScheme;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

/**
 * SigV4 that signs a request's line and headers but not its body ({@code x-amz-content-sha256:
 * UNSIGNED-PAYLOAD}), over plain HTTP too, where the SDK would otherwise hash every body once more
 * and frame it in signed {@code aws-chunked} chunks that the gateway hashes again (decision 127).
 * The store already hashed the content with SHA-256 while spooling it, and keeps that hash.
 */
final class UnsignedPayloadSigner implements HttpSigner<AwsCredentialsIdentity> {
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  /** SigV4 as the S3 client's scheme, signing with this signer. */
  static AuthScheme<AwsCredentialsIdentity> scheme() {
    UnsignedPayloadSigner signer = new UnsignedPayloadSigner();
    return new AuthScheme<>() {
      @Override
      public String schemeId() {
        return AwsV4AuthScheme.SCHEME_ID;
      }

      @Override
      public IdentityProvider<AwsCredentialsIdentity> identityProvider(
          IdentityProviders providers) {
        return providers.identityProvider(AwsCredentialsIdentity.class);
      }

      @Override
      public HttpSigner<AwsCredentialsIdentity> signer() {
        return signer;
      }
    };
  }

  @Override
  public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
    ContentStreamProvider payload = request.payload().orElse(null);
    if (payload == null) {
      return signer.sign(request);
    }
    // Signed without its body, the request declares UNSIGNED-PAYLOAD whatever the protocol; the
    // body then goes out as it is.
    SignedRequest signed =
        signer.sign(
            request.copy(
                b ->
                    b.payload(null)
                        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                        .putProperty(AwsV4HttpSigner.CHUNK_ENCODING_ENABLED, false)));
    return signed.copy(b -> b.payload(payload));
  }

  @Override
  public CompletableFuture<AsyncSignedRequest> signAsync(
      AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
    return signer.signAsync(request);
  }
}
