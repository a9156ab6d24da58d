package io.capstan.api.dataset;

/**
 * A new dataset version copied from somewhere the control plane reads: exactly one of {@code job}
 * (a succeeded job of the project: its collected output files) or {@code s3} (every object under an
 * S3 prefix).
 *
 * @param job the job's name, or null
 * @param s3 the S3 prefix, or null
 * @param description free text, or null
 */
public record DatasetImportRequest(String job, S3Source s3, String description) {
  /**
   * An S3 prefix and how to reach it. Credentials come from the request or from a secret of the
   * project ({@code secret}, keys {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY});
   * never stored, logged or answered.
   *
   * @param uri {@code s3://bucket/prefix}
   * @param endpoint the S3 endpoint, {@code http(s)://host:port}; null for the control plane's own
   *     store's endpoint. Must be one the operator allows ({@code
   *     capstan.datasets.allowed-s3-endpoints}).
   * @param region the signing region, or null for {@code us-east-1}
   * @param accessKey the access key id, or null to read it from {@code secret}
   * @param secretKey the secret access key, or null to read it from {@code secret}
   * @param secret a secret of the project holding the keys, or null
   */
  public record S3Source(
      String uri,
      String endpoint,
      String region,
      String accessKey,
      String secretKey,
      String secret) {
    @Override
    public String toString() {
      return "S3Source[uri="
          + uri
          + ", endpoint="
          + endpoint
          + ", region="
          + region
          + ", accessKey="
          + (accessKey == null ? "null" : "***")
          + ", secretKey="
          + (secretKey == null ? "null" : "***")
          + ", secret="
          + secret
          + "]";
    }
  }
}
