package io.capstan.server.artifact;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.capstan.runtime.ArtifactDownload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar capstan-server.jar storage-initializer LIST DIR}: the init container of a pod
 * with an artifact mount on Kubernetes (decision 119), as KServe's storage initializer. Reads the
 * download list {@code LIST} (an {@link ArtifactDownload}'s text, from a Secret only this container
 * mounts), fetches every file by its presigned URL into {@code DIR}, four at a time, checks each
 * one's size and SHA-256 where the list has them, and leaves the files read-only. Runs without
 * Spring and holds no credentials of its own. Exits 0 when everything is there, 1 naming the first
 * file that failed and why (an expired or tampered URL is the store's 403), 2 on bad arguments.
 * Never prints a URL's query, which is its signature.
 */
public final class StorageInitializer {
  /** The first argument of the server jar that runs this instead of the control plane. */
  public static final String COMMAND = "storage-initializer";

  private static final int DOWNLOADS = 4;
  private static final int ATTEMPTS = 3;
  private static final Pattern S3_ERROR = Pattern.compile("<Code>([^<]*)</Code>");

  private final HttpClient http;
  private final PrintStream out;

  StorageInitializer(HttpClient http, PrintStream out) {
    this.http = http;
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs {@code [storage-initializer] LIST DIR}; the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    int from = args.length > 0 && args[0].equals(COMMAND) ? 1 : 0;
    if (args.length - from != 2) {
      err.println("Usage: " + COMMAND + " LIST DIR (the download list and the folder to fill)");
      return 2;
    }
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(30))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    try {
      ArtifactDownload download =
          ArtifactDownload.parse(Files.readString(Path.of(args[from]), UTF_8));
      new StorageInitializer(http, out).fetch(download, Path.of(args[from + 1]));
      return 0;
    } catch (IOException | RuntimeException e) {
      err.println("storage-initializer: " + e.getMessage());
      return 1;
    }
  }

  /** Fetches every file of {@code download} into {@code dir}. */
  void fetch(ArtifactDownload download, Path dir) throws IOException {
    Files.createDirectories(dir);
    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(DOWNLOADS);
    try {
      List<Future<Long>> files = new ArrayList<>();
      for (ArtifactDownload.File file : download.files()) {
        files.add(pool.submit(() -> fetch(file, dir)));
      }
      long bytes = 0;
      for (Future<Long> file : files) {
        bytes += join(file);
      }
      out.printf(
          "storage-initializer: %d files, %d bytes in %d ms%n",
          files.size(), bytes, (System.nanoTime() - started) / 1_000_000);
    } finally {
      pool.shutdownNow();
    }
  }

  private long fetch(ArtifactDownload.File file, Path dir) throws IOException {
    Path target = dir.resolve(file.path()).normalize();
    if (!target.startsWith(dir.normalize())) {
      throw new IOException("Expected '" + file.path() + "' inside " + dir + ", but it is not");
    }
    Files.createDirectories(target.getParent());
    Path part = target.resolveSibling(target.getFileName() + ".part");
    for (int attempt = 1; ; attempt++) {
      try {
        long size = fetchOnce(file, part);
        Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("r--r--r--"));
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        return size;
      } catch (Transient e) {
        Files.deleteIfExists(part);
        if (attempt == ATTEMPTS) {
          throw new IOException(e.getMessage() + " (after " + ATTEMPTS + " tries)", e);
        }
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(part);
        throw e;
      }
    }
  }

  /** One GET into {@code part}; its size once the checks pass. */
  private long fetchOnce(ArtifactDownload.File file, Path part) throws IOException {
    HttpResponse<InputStream> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(file.url()).timeout(Duration.ofMinutes(10)).GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new Transient(
          "Cannot download '" + file.path() + "' from " + file.place() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while downloading '" + file.path() + "'", e);
    }
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        String message =
            "Cannot download '"
                + file.path()
                + "' from "
                + file.place()
                + ": expected HTTP 200, but the store answered "
                + response.statusCode()
                + reason(response.statusCode(), body);
        if (response.statusCode() >= 500) {
          throw new Transient(message, null);
        }
        throw new IOException(message);
      }
      return copy(file, body, part);
    }
  }

  private static long copy(ArtifactDownload.File file, InputStream body, Path part)
      throws IOException {
    MessageDigest sha256 = sha256();
    long size = 0;
    try (OutputStream to = Files.newOutputStream(part)) {
      byte[] buffer = new byte[256 * 1024];
      int n;
      while ((n = body.read(buffer)) >= 0) {
        to.write(buffer, 0, n);
        sha256.update(buffer, 0, n);
        size += n;
      }
    }
    if (file.sizeBytes() >= 0 && size != file.sizeBytes()) {
      throw new IOException(
          "Expected '" + file.path() + "' to be " + file.sizeBytes() + " bytes, but got " + size);
    }
    String sum = HexFormat.of().formatHex(sha256.digest());
    if (file.sha256() != null && !sum.equals(file.sha256())) {
      throw new IOException(
          "Expected '" + file.path() + "' to have SHA-256 " + file.sha256() + ", but got " + sum);
    }
    return size;
  }

  /** The S3 error code of an error answer ({@code AccessDenied}, {@code NoSuchKey}), if any. */
  private static String reason(int status, InputStream body) throws IOException {
    Matcher code = S3_ERROR.matcher(new String(body.readNBytes(4096), UTF_8));
    String hint = code.find() ? " (" + code.group(1) + ")" : "";
    return status == 403
        ? hint + "; the URL expired or was altered: relaunch the replica for fresh ones"
        : hint;
  }

  private static long join(Future<Long> file) throws IOException {
    try {
      return file.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while downloading", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException(e.getCause());
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java platform has SHA-256", e);
    }
  }

  /** A failure that a second try may not have: a broken connection, a 5xx. */
  private static final class Transient extends IOException {
    Transient(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
