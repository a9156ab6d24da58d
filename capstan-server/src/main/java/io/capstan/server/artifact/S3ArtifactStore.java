package io.capstan.server.artifact;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Artifacts as objects of one S3 bucket, addressed path-style (decision 94), tested against Ceph's
 * RADOS Gateway. {@code put} spools the content to a temporary file while computing its size and
 * SHA-256 ({@link Spool}: the object store needs the length before the first byte, and a refused
 * upload then leaves nothing), then uploads it in one request, or in parts past {@value
 * #PART_BYTES} bytes ({@link #putLater} uploads on a pool of {@value #UPLOADS} threads while the
 * caller reads on), each body signed with the hash already computed (decision 127); the SHA-256
 * travels as the object's metadata, so {@link #stat} does not read the object. An object store's
 * writes are atomic per object already. {@link #localFolder} keeps a read-only copy of a folder's
 * objects on this machine, filled once (four objects at a time), for the local runtime to bind.
 */
public final class S3ArtifactStore implements ArtifactStore, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(S3ArtifactStore.class);
  private static final String SHA256_METADATA = "sha256";
  private static final int BUFFER = 256 * 1024;
  static final long PART_BYTES = 64L << 20;

  /** Objects downloaded at once when a folder is copied here. */
  private static final int DOWNLOADS = 4;

  /** Objects uploaded at once by {@link #putLater}. */
  private static final int UPLOADS = 4;

  /** The longest a SigV4 presigned URL may live. */
  static final Duration MAX_PRESIGNED = Duration.ofDays(7);

  private final S3Client client;
  private final S3Presigner presigner;
  private final String bucket;
  private final Path cache;
  private final Path temporary;
  private final Map<String, Object> filling = new ConcurrentHashMap<>();
  private final ExecutorService uploads;

  S3ArtifactStore(S3Client client, S3Presigner presigner, String bucket, Path cache) {
    this.client = requireNonNull(client, "client is null");
    this.presigner = requireNonNull(presigner, "presigner is null");
    this.bucket = requireNonNull(bucket, "bucket is null");
    this.cache = requireNonNull(cache, "cache is null").toAbsolutePath().normalize();
    this.temporary = this.cache.resolve(".tmp");
    AtomicInteger threads = new AtomicInteger();
    this.uploads =
        Executors.newFixedThreadPool(
            UPLOADS,
            task -> {
              Thread thread = new Thread(task, "capstan-s3-upload-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /** A store on the bucket {@code s3} names, caching folders under {@code cache}. */
  public static S3ArtifactStore open(ArtifactsConfig.S3 s3, Path cache) {
    S3Client client =
        builder(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey())
            .putAuthScheme(PrecomputedSha256Signer.scheme())
            .build();
    return new S3ArtifactStore(client, presigner(s3), s3.bucket(), cache);
  }

  /** Signs path-style GET URLs of the same endpoint with the same keys (SigV4, query string). */
  private static S3Presigner presigner(ArtifactsConfig.S3 s3) {
    return S3Presigner.builder()
        .endpointOverride(s3.endpoint())
        .region(Region.of(s3.region()))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
        .build();
  }

  /**
   * A path-style client of {@code endpoint} that sends checksums only where S3 requires them (Ceph
   * RGW 16 predates the SDK's default CRC trailers).
   */
  public static S3Client client(URI endpoint, String region, String accessKey, String secretKey) {
    return builder(endpoint, region, accessKey, secretKey).build();
  }

  private static S3ClientBuilder builder(
      URI endpoint, String region, String accessKey, String secretKey) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.of(region == null ? "us-east-1" : region))
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClient(UrlConnectionHttpClient.create());
  }

  /** Creates the bucket unless it exists; called once at start. */
  public void createBucketIfMissing() {
    try {
      client.headBucket(b -> b.bucket(bucket));
    } catch (NoSuchBucketException e) {
      client.createBucket(b -> b.bucket(bucket));
      log.info("Created artifact bucket {}", bucket);
    } catch (S3Exception e) {
      if (e.statusCode() != 404) {
        throw e;
      }
      client.createBucket(b -> b.bucket(bucket));
      log.info("Created artifact bucket {}", bucket);
    }
  }

  @Override
  public StoredArtifact put(String key, InputStream content, long maxBytes) {
    Spool spool = spool(key, content, maxBytes);
    upload(spool);
    return spool.artifact();
  }

  /** Spools now and uploads on one of {@value #UPLOADS} upload threads. */
  @Override
  public PendingArtifact putLater(String key, InputStream content, long maxBytes) {
    Spool spool = spool(key, content, maxBytes);
    try {
      return new PendingArtifact(
          spool.artifact(), CompletableFuture.runAsync(() -> upload(spool), uploads));
    } catch (RejectedExecutionException e) {
      spool.delete();
      throw new UncheckedIOException(
          "Cannot store artifact " + key + ": the store is closed", new IOException(e));
    }
  }

  private Spool spool(String key, InputStream content, long maxBytes) {
    ArtifactKeys.check(key);
    try {
      Files.createDirectories(temporary);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot store artifact " + key, e);
    }
    return Spool.write(
        key, content, temporary.resolve(UUID.randomUUID() + ".part"), maxBytes, PART_BYTES);
  }

  /**
   * Sends a spooled artifact in one request, or in parts past {@value #PART_BYTES} bytes; each body
   * is signed with the SHA-256 the spool computed (decision 127).
   */
  private void upload(Spool spool) {
    StoredArtifact artifact = spool.artifact();
    String key = artifact.key();
    try {
      if (artifact.sizeBytes() > PART_BYTES) {
        putInParts(spool);
      } else {
        client.putObject(
            b ->
                b.bucket(bucket)
                    .key(key)
                    .contentLength(artifact.sizeBytes())
                    .metadata(Map.of(SHA256_METADATA, artifact.sha256()))
                    .overrideConfiguration(signedWith(spool.partSha256s().get(0))),
            RequestBody.fromFile(spool.file()));
      }
    } catch (S3Exception e) {
      throw new UncheckedIOException(
          "Cannot store artifact " + key, new IOException(e.getMessage(), e));
    } finally {
      spool.delete();
    }
  }

  /** The body's SHA-256, for {@link PrecomputedSha256Signer} to sign instead of hashing again. */
  private static Consumer<AwsRequestOverrideConfiguration.Builder> signedWith(String sha256) {
    return o -> o.putHeader(PrecomputedSha256Signer.CONTENT_SHA256, sha256);
  }

  private void putInParts(Spool spool) {
    String key = spool.artifact().key();
    long size = spool.artifact().sizeBytes();
    String uploadId =
        client
            .createMultipartUpload(
                b ->
                    b.bucket(bucket)
                        .key(key)
                        .metadata(Map.of(SHA256_METADATA, spool.artifact().sha256())))
            .uploadId();
    boolean done = false;
    try {
      List<CompletedPart> parts = new ArrayList<>();
      for (int number = 1; (number - 1) * PART_BYTES < size; number++) {
        long offset = (number - 1) * PART_BYTES;
        long length = Math.min(PART_BYTES, size - offset);
        int part = number;
        String etag =
            client
                .uploadPart(
                    b ->
                        b.bucket(bucket)
                            .key(key)
                            .uploadId(uploadId)
                            .partNumber(part)
                            .contentLength(length)
                            .overrideConfiguration(signedWith(spool.partSha256s().get(part - 1))),
                    RequestBody.fromContentProvider(
                        () -> spool.slice(offset, length), length, "application/octet-stream"))
                .eTag();
        parts.add(CompletedPart.builder().partNumber(part).eTag(etag).build());
      }
      client.completeMultipartUpload(
          b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
      done = true;
    } finally {
      if (!done) {
        client.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
      }
    }
  }

  @Override
  public InputStream open(String key) {
    ArtifactKeys.check(key);
    try {
      return client.getObject(b -> b.bucket(bucket).key(key));
    } catch (NoSuchKeyException e) {
      throw new NoSuchElementException("No artifact " + key);
    }
  }

  @Override
  public Optional<URI> presignedGet(String key, Duration ttl) {
    ArtifactKeys.check(key);
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_PRESIGNED) > 0) {
      throw new IllegalArgumentException(
          "Expected a presigned URL's lifetime between 1 second and 7 days, but was " + ttl);
    }
    try {
      return Optional.of(
          presigner
              .presignGetObject(
                  b -> b.signatureDuration(ttl).getObjectRequest(g -> g.bucket(bucket).key(key)))
              .url()
              .toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("The SDK signed a URL that is not a URI for " + key, e);
    }
  }

  @Override
  public Optional<StoredArtifact> stat(String key) {
    ArtifactKeys.check(key);
    HeadObjectResponse head;
    try {
      head = client.headObject(b -> b.bucket(bucket).key(key));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
    String hex = head.metadata().get(SHA256_METADATA);
    if (hex == null) {
      hex = digestOf(key);
    }
    return Optional.of(new StoredArtifact(key, head.contentLength(), hex));
  }

  @Override
  public boolean delete(String key) {
    ArtifactKeys.check(key);
    boolean existed = stat(key).isPresent();
    client.deleteObject(b -> b.bucket(bucket).key(key));
    return existed;
  }

  @Override
  public List<String> keysUnder(String folder) {
    ArtifactKeys.check(folder);
    List<String> keys = new ArrayList<>();
    client
        .listObjectsV2Paginator(b -> b.bucket(bucket).prefix(folder + "/"))
        .contents()
        .forEach(object -> keys.add(object.key()));
    return keys;
  }

  @Override
  public Optional<Path> localFolder(String folder) {
    ArtifactKeys.check(folder);
    Path target = cache.resolve(folder);
    if (Files.isDirectory(target)) {
      return Optional.of(target);
    }
    synchronized (filling.computeIfAbsent(folder, f -> new Object())) {
      try {
        if (Files.isDirectory(target)) {
          return Optional.of(target);
        }
        return fill(folder, target);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot copy artifacts under " + folder + " here", e);
      } finally {
        filling.remove(folder);
      }
    }
  }

  @Override
  public void dropLocalFolder(String folder) {
    ArtifactKeys.check(folder);
    Path target = cache.resolve(folder);
    if (!Files.isDirectory(target)) {
      return;
    }
    Path gone = temporary.resolve(UUID.randomUUID() + ".gone");
    try {
      Files.createDirectories(temporary);
      Files.move(target, gone, StandardCopyOption.ATOMIC_MOVE);
      deleteTree(gone);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot remove the local copy of " + folder, e);
    }
  }

  /**
   * Downloads every object under {@code folder} into a fresh folder, then renames it into place.
   */
  private Optional<Path> fill(String folder, Path target) throws IOException {
    List<S3Object> objects = new ArrayList<>();
    client
        .listObjectsV2Paginator(b -> b.bucket(bucket).prefix(folder + "/"))
        .contents()
        .forEach(objects::add);
    if (objects.isEmpty()) {
      return Optional.empty();
    }
    Path staging = temporary.resolve(UUID.randomUUID().toString());
    Files.createDirectories(staging);
    ExecutorService downloads = Executors.newFixedThreadPool(DOWNLOADS);
    try {
      List<Future<?>> copies = new ArrayList<>();
      for (S3Object object : objects) {
        copies.add(downloads.submit(() -> download(object.key(), folder, staging)));
      }
      for (Future<?> copy : copies) {
        join(copy);
      }
      Files.createDirectories(target.getParent());
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
        throw new IOException("Cannot move " + staging + " to " + target, e);
      }
      log.info("Copied {} objects under {} to {}", objects.size(), folder, target);
      return Optional.of(target);
    } finally {
      downloads.shutdownNow();
      if (Files.exists(staging)) {
        deleteTree(staging);
      }
    }
  }

  private Void download(String key, String folder, Path staging) throws IOException {
    Path file = staging.resolve(ArtifactKeys.check(key.substring(folder.length() + 1)));
    Files.createDirectories(file.getParent());
    try (InputStream in = client.getObject(b -> b.bucket(bucket).key(key))) {
      Files.copy(in, file);
    }
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
    return null;
  }

  private static void join(Future<?> copy) throws IOException {
    try {
      copy.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while copying", e);
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

  private String digestOf(String key) {
    MessageDigest sha256 = Spool.digest("SHA-256");
    try (InputStream in = open(key)) {
      byte[] buffer = new byte[BUFFER];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        sha256.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read artifact " + key, e);
    }
    return HexFormat.of().formatHex(sha256.digest());
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  @Override
  public void close() {
    uploads.shutdown();
    presigner.close();
    client.close();
  }
}
