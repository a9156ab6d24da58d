package io.capstan.server.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What the S3 store puts on the wire for an upload (decision 127), read by an HTTP server on
 * loopback that answers as a gateway would: the body in one piece, signed with its SHA-256.
 */
class S3ArtifactStoreTest {
  @TempDir Path cache;

  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private S3ArtifactStore store;

  /** One request the server received. */
  private record Exchange(
      String method, String path, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          exchanges.add(
              new Exchange(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getPath(),
                  Map.copyOf(exchange.getRequestHeaders()),
                  body));
          exchange.getResponseHeaders().add("ETag", "\"etag\"");
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    store =
        S3ArtifactStore.open(
            new ArtifactsConfig.S3(endpoint, "capstan", null, "ak", "sk", null), cache);
  }

  @AfterEach
  void stop() {
    store.close();
    server.stop(0);
  }

  @Test
  void aPutOverPlainHttpSignsTheBodyWithTheSpoolsSha256AndSendsItInOnePiece() throws Exception {
    byte[] content = new byte[300_000];
    new Random(3).nextBytes(content);

    StoredArtifact stored =
        store.put("datasets/p/d/v1/a.bin", new ByteArrayInputStream(content), 1 << 20);

    Exchange put = exchanges.get(exchanges.size() - 1);
    assertThat(put.method()).isEqualTo("PUT");
    assertThat(put.path()).isEqualTo("/capstan/datasets/p/d/v1/a.bin");
    assertThat(put.body()).isEqualTo(content);
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    assertThat(put.header("x-amz-content-sha256")).isEqualTo(sha256);
    assertThat(put.header("Content-Encoding")).isNull(); // no aws-chunked framing
    assertThat(put.header("Content-Length")).isEqualTo("300000");
    assertThat(put.header("Authorization"))
        .startsWith("AWS4-HMAC-SHA256 Credential=ak/")
        .contains("x-amz-content-sha256");
    assertThat(put.header("x-amz-meta-sha256")).isEqualTo(sha256);
    assertThat(stored).isEqualTo(new StoredArtifact("datasets/p/d/v1/a.bin", 300_000, sha256));
  }

  @Test
  void theSignerSignsTheHashItIsGivenWithoutReadingTheBody() {
    String given = "ab".repeat(32); // not the body's: the signer must not hash the body itself
    try (S3Client client =
        S3Client.builder()
            .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("ak", "sk")))
            .httpClient(UrlConnectionHttpClient.create())
            .putAuthScheme(PrecomputedSha256Signer.scheme())
            .build()) {
      client.putObject(
          b ->
              b.bucket("capstan")
                  .key("k")
                  .overrideConfiguration(
                      o -> o.putHeader(PrecomputedSha256Signer.CONTENT_SHA256, given)),
          RequestBody.fromBytes(new byte[] {1, 2, 3}));
    }

    assertThat(exchanges.get(exchanges.size() - 1).header("x-amz-content-sha256")).isEqualTo(given);
  }
}
