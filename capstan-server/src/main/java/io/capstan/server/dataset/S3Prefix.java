package io.capstan.server.dataset;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.capstan.api.dataset.DatasetImportRequest;
import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.server.artifact.S3ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Copies every object under an S3 prefix into a {@link DatasetWriter}, each at its key less the
 * prefix. The credentials are used for this copy only: never stored, logged or answered.
 */
final class S3Prefix {
  static final String ACCESS_KEY = "AWS_ACCESS_KEY_ID";
  static final String SECRET_KEY = "AWS_SECRET_ACCESS_KEY";

  private final String bucket;
  private final String prefix;

  private S3Prefix(String bucket, String prefix) {
    this.bucket = bucket;
    this.prefix = prefix;
  }

  /** Reads {@code s3://bucket/prefix}; refuses anything else, naming {@code field}. */
  static S3Prefix parse(String uri, String field) {
    if (uri == null || !uri.startsWith("s3://") || uri.length() <= "s3://".length()) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          field,
          "Expected " + field + " to be s3://BUCKET/PREFIX, but was '" + uri + "'");
    }
    String rest = uri.substring("s3://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
    if (bucket.isEmpty()) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          field,
          "Expected " + field + " to name a bucket, s3://BUCKET/PREFIX, but was '" + uri + "'");
    }
    return new S3Prefix(bucket, prefix);
  }

  /** The credentials of {@code source}: given in the request, or read from the secret. */
  static String[] credentials(
      DatasetImportRequest.S3Source source, Map<String, byte[]> secret, String field) {
    if (source.accessKey() != null && source.secretKey() != null) {
      return new String[] {source.accessKey(), source.secretKey()};
    }
    if (secret != null && secret.containsKey(ACCESS_KEY) && secret.containsKey(SECRET_KEY)) {
      return new String[] {
        new String(secret.get(ACCESS_KEY), UTF_8).trim(),
        new String(secret.get(SECRET_KEY), UTF_8).trim()
      };
    }
    throw new CapstanException(
        ErrorCode.INVALID_ARGUMENT,
        field,
        "Expected "
            + field
            + ".accessKey and secretKey, or a secret of the project with keys "
            + ACCESS_KEY
            + " and "
            + SECRET_KEY
            + " named by "
            + field
            + ".secret, but "
            + (source.secret() == null ? "neither is given" : "the secret lacks them"));
  }

  /** Copies every object under the prefix; returns how many. */
  int copy(URI endpoint, String region, String[] credentials, DatasetWriter writer, String field) {
    try (S3Client client =
        S3ArtifactStore.client(endpoint, region, credentials[0], credentials[1])) {
      List<S3Object> objects =
          client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
              .filter(object -> !object.key().endsWith("/"))
              .toList();
      if (objects.isEmpty()) {
        throw new CapstanException(
            ErrorCode.INVALID_ARGUMENT,
            field,
            "Expected objects under s3://" + bucket + "/" + prefix + ", but there are none");
      }
      for (S3Object object : objects) {
        try (InputStream in = client.getObject(b -> b.bucket(bucket).key(object.key()))) {
          writer.add(object.key().substring(prefix.length()), in);
        }
      }
      return objects.size();
    } catch (SdkException e) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          field,
          "Expected to read s3://"
              + bucket
              + "/"
              + prefix
              + " at "
              + endpoint
              + " with the credentials given, but S3 answered: "
              + e.getMessage(),
          e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read s3://" + bucket + "/" + prefix, e);
    }
  }
}
