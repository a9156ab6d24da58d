package io.capstan.server.artifact;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Which artifact store the control plane uses ({@code capstan.artifacts.*}): local files under the
 * data dir (one machine), or an S3-compatible object store such as Ceph's RADOS Gateway (decision
 * 94).
 *
 * @param store {@code local} (default) or {@code s3}
 * @param s3 the object store, for {@code s3}
 */
@ConfigurationProperties(prefix = "capstan.artifacts")
public record ArtifactsConfig(String store, S3 s3) {
  public static final String LOCAL = "local";
  public static final String S3_STORE = "s3";

  public ArtifactsConfig {
    store = store == null || store.isBlank() ? LOCAL : store;
    if (!store.equals(LOCAL) && !store.equals(S3_STORE)) {
      throw new IllegalArgumentException(
          "Expected capstan.artifacts.store to be 'local' or 's3', but was '" + store + "'");
    }
    if (store.equals(S3_STORE)) {
      if (s3 == null) {
        throw new IllegalArgumentException(
            "Expected capstan.artifacts.s3.endpoint, bucket, access-key and secret-key with"
                + " capstan.artifacts.store=s3, but none is set");
      }
      s3.check();
    }
  }

  /** The defaults: local files. */
  public static ArtifactsConfig defaults() {
    return new ArtifactsConfig(null, null);
  }

  /**
   * An S3 bucket, addressed path-style ({@code http://host:port/bucket/key}), as Ceph RGW and MinIO
   * serve it without wildcard DNS.
   *
   * @param endpoint {@code http(s)://host:port}
   * @param bucket made at start when missing
   * @param region the signing region (default {@code us-east-1}; RGW accepts any)
   * @param accessKey the access key id
   * @param secretKey the secret access key (never logged)
   * @param cacheDir where versions of datasets are kept on this machine to be mounted without
   *     downloading again; default {@code <data-dir>/dataset-cache}
   */
  public record S3(
      URI endpoint,
      String bucket,
      String region,
      String accessKey,
      String secretKey,
      String cacheDir) {
    public S3 {
      region = region == null || region.isBlank() ? "us-east-1" : region;
    }

    void check() {
      require(endpoint == null ? null : endpoint.toString(), "endpoint");
      require(bucket, "bucket");
      require(accessKey, "access-key");
      require(secretKey, "secret-key");
      if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())) {
        throw new IllegalArgumentException(
            "Expected capstan.artifacts.s3.endpoint to be an http(s) URL, but was '"
                + endpoint
                + "'");
      }
    }

    private static void require(String value, String name) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(
            "Expected capstan.artifacts.s3."
                + name
                + " with capstan.artifacts.store=s3, but it"
                + " is not set");
      }
    }

    @Override
    public String toString() {
      return "S3[endpoint="
          + endpoint
          + ", bucket="
          + bucket
          + ", region="
          + region
          + ", accessKey="
          + accessKey
          + ", secretKey=***, cacheDir="
          + cacheDir
          + "]";
    }
  }
}
