import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The dataset bench's floor: a plain Java S3 client with no Capstan code (JDK only, run as {@code
 * java RawPut.java ENDPOINT BUCKET PREFIX DIR ACCESS SECRET [signed|unsigned]}) that PUTs every
 * file of DIR one after another, as s3cmd does, over one kept-alive connection: {@code signed}
 * hashes each file first and signs its SHA-256 (s3cmd's way), {@code unsigned} sends {@code
 * UNSIGNED-PAYLOAD}. Prints the seconds it took.
 */
public final class RawPut {
  private static final HexFormat HEX = HexFormat.of();

  public static void main(String[] args) throws Exception {
    URI endpoint = URI.create(args[0]);
    String bucket = args[1];
    String prefix = args[2];
    Path dir = Path.of(args[3]);
    String access = args[4];
    String secret = args[5];
    boolean signed = args.length < 7 || args[6].equals("signed");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    long start = System.nanoTime();
    for (Path file : files) {
      String key = prefix + dir.relativize(file).toString().replace('\\', '/');
      put(endpoint, bucket, key, file, access, secret, signed);
    }
    System.out.printf("%.3f%n", (System.nanoTime() - start) / 1e9);
  }

  private static void put(
      URI endpoint, String bucket, String key, Path file, String access, String secret, boolean signed)
      throws Exception {
    long size = Files.size(file);
    String payloadHash = signed ? sha256(file) : "UNSIGNED-PAYLOAD";
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    String amzDate = now.format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
    String day = amzDate.substring(0, 8);
    String host = endpoint.getHost() + ":" + endpoint.getPort();
    String path = "/" + bucket + "/" + key;
    String canonical =
        "PUT\n"
            + path
            + "\n\n"
            + "host:"
            + host
            + "\nx-amz-content-sha256:"
            + payloadHash
            + "\nx-amz-date:"
            + amzDate
            + "\n\nhost;x-amz-content-sha256;x-amz-date\n"
            + payloadHash;
    String scope = day + "/us-east-1/s3/aws4_request";
    String toSign =
        "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + HEX.formatHex(sha256(canonical));
    byte[] key0 = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), day);
    byte[] signingKey = hmac(hmac(hmac(key0, "us-east-1"), "s3"), "aws4_request");
    String signature = HEX.formatHex(hmac(signingKey, toSign));
    HttpURLConnection http = (HttpURLConnection) endpoint.resolve(path).toURL().openConnection();
    http.setRequestMethod("PUT");
    http.setDoOutput(true);
    http.setFixedLengthStreamingMode(size);
    http.setRequestProperty("x-amz-content-sha256", payloadHash);
    http.setRequestProperty("x-amz-date", amzDate);
    http.setRequestProperty(
        "Authorization",
        "AWS4-HMAC-SHA256 Credential="
            + access
            + "/"
            + scope
            + ", SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature="
            + signature);
    try (OutputStream out = http.getOutputStream()) {
      Files.copy(file, out);
    }
    int status = http.getResponseCode();
    try (InputStream in = status < 400 ? http.getInputStream() : http.getErrorStream()) {
      byte[] body = in == null ? new byte[0] : in.readAllBytes();
      if (status != 200) {
        throw new IllegalStateException(
            "PUT " + path + ": " + status + " " + new String(body, StandardCharsets.UTF_8));
      }
    }
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[256 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        digest.update(buffer, 0, n);
      }
    }
    return HEX.formatHex(digest.digest());
  }

  private static byte[] sha256(String text) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] hmac(byte[] key, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }
}
