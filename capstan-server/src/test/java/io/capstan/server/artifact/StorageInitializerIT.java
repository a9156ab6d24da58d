package io.capstan.server.artifact;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.Resources;
import io.capstan.runtime.ArtifactDownload;
import io.capstan.runtime.ArtifactReader;
import io.capstan.runtime.Mount;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.kubernetes.ArtifactSettings;
import io.capstan.runtime.kubernetes.KubernetesSettings;
import io.capstan.runtime.kubernetes.PodSpecs;
import io.capstan.runtime.kubernetes.ReplicaObjects;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage initializer of pods on Kubernetes (decision 119) against a real Ceph RADOS Gateway:
 * artifacts put through the S3 store, presigned, fetched by the downloader's main, compared byte by
 * byte; a tampered or expired URL and a wrong checksum fail with a message and exit 1.
 */
class StorageInitializerIT {
  private static final Duration HOUR = Duration.ofHours(1);

  private static S3ArtifactStore store;
  @TempDir static Path cache;
  @TempDir Path work;

  @BeforeAll
  static void startCeph() {
    store = S3ArtifactStore.open(TestingCeph.shared().config("initializer", cache), cache);
    store.createBucketIfMissing();
  }

  @AfterAll
  static void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void aModelIsDownloadedByItsPresignedUrlAndLeftReadOnly() throws IOException {
    byte[] model = random(3 << 20, 1);
    store.put("models/vision/churn/1.onnx", new ByteArrayInputStream(model), Long.MAX_VALUE);

    ArtifactDownload download = downloads().of("models/vision/churn/1.onnx", HOUR).orElseThrow();
    Result result = initialize(download, work.resolve("artifact"));

    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(download.folder()).isFalse();
    assertThat(download.files().get(0).sha256()).isEqualTo(sha256(model));
    Path file = work.resolve("artifact/1.onnx");
    assertThat(Files.readAllBytes(file)).isEqualTo(model);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("r--r--r--");
    assertThat(result.out()).contains("1 files, " + model.length + " bytes");
    assertThat(download.text()).doesNotContain(TestingCeph.SECRET_KEY);
  }

  @Test
  void aDatasetFolderIsDownloadedWholeAndCheckedAgainstWhatIsKnown() throws IOException {
    Map<String, byte[]> files =
        Map.of(
            "train/a.txt", "alpha\n".getBytes(UTF_8),
            "train/deep/b.bin", random(200_000, 2),
            "labels.csv", "id,label\n1,cat\n".getBytes(UTF_8));
    files.forEach(
        (path, bytes) ->
            store.put(
                "datasets/vision/mini/v3/" + path,
                new ByteArrayInputStream(bytes),
                Long.MAX_VALUE));
    KnownFiles known =
        folder ->
            folder.equals("datasets/vision/mini/v3")
                ? Map.of(
                    "train/deep/b.bin",
                    new StoredArtifact(
                        folder + "/train/deep/b.bin",
                        200_000,
                        sha256(files.get("train/deep/b.bin"))))
                : Map.of();

    ArtifactDownload download =
        new ArtifactDownloads(store, List.of(known))
            .of("datasets/vision/mini/v3", HOUR)
            .orElseThrow();
    Result result = initialize(download, work.resolve("data"));

    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(download.folder()).isTrue();
    assertThat(download.files())
        .extracting(ArtifactDownload.File::path)
        .containsExactly("labels.csv", "train/a.txt", "train/deep/b.bin");
    assertThat(download.files().get(2).sha256()).isEqualTo(sha256(files.get("train/deep/b.bin")));
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      assertThat(Files.readAllBytes(work.resolve("data").resolve(file.getKey())))
          .as(file.getKey())
          .isEqualTo(file.getValue());
    }
  }

  @Test
  void aTamperedUrlFailsNamingTheFileWithoutItsSignature() throws IOException {
    store.put("models/vision/tampered/1.onnx", bytes("weights"), 100);
    ArtifactDownload download = downloads().of("models/vision/tampered/1.onnx", HOUR).orElseThrow();
    ArtifactDownload.File file = download.files().get(0);
    String url = file.url().toString();
    char last = url.charAt(url.length() - 1);
    String tampered = url.substring(0, url.length() - 1) + (last == '0' ? '1' : '0');

    Result result =
        initialize(
            new ArtifactDownload(
                false,
                List.of(
                    new ArtifactDownload.File(
                        file.path(), java.net.URI.create(tampered), file.sizeBytes(), null))),
            work.resolve("artifact"));

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err())
        .contains("'1.onnx'", "answered 403", "expired or was altered")
        .doesNotContain("X-Amz-Signature")
        .doesNotContain("?");
    assertThat(work.resolve("artifact/1.onnx")).doesNotExist();
    assertThat(work.resolve("artifact/1.onnx.part")).doesNotExist();
  }

  @Test
  void anExpiredUrlFails() throws IOException {
    store.put("models/vision/expired/1.onnx", bytes("weights"), 100);
    ArtifactDownload download =
        downloads().of("models/vision/expired/1.onnx", Duration.ofSeconds(1)).orElseThrow();

    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> initialize(download, work.resolve("expired")).exit() == 1);

    Result result = initialize(download, work.resolve("expired"));
    assertThat(result.err())
        .contains("'1.onnx'", "403", "(AccessDenied)", "expired or was altered");
  }

  @Test
  void aFileThatIsNotWhatTheManifestSaysFails() throws IOException {
    store.put("datasets/vision/bad/v1/a.txt", bytes("what was stored"), 100);
    KnownFiles wrong =
        folder ->
            Map.of(
                "a.txt",
                new StoredArtifact(folder + "/a.txt", 15, sha256(bytes("what was promised"))));

    ArtifactDownload download =
        new ArtifactDownloads(store, List.of(wrong))
            .of("datasets/vision/bad/v1", HOUR)
            .orElseThrow();
    Result result = initialize(download, work.resolve("bad"));

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).contains("Expected 'a.txt' to have SHA-256");
    assertThat(work.resolve("bad/a.txt")).doesNotExist();
  }

  @Test
  void badArgumentsExitWithTwo() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        StorageInitializer.run(
            new String[] {"storage-initializer"},
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, UTF_8));

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(UTF_8)).contains("Usage: storage-initializer LIST DIR");
  }

  /**
   * End to end through the Kubernetes runtime's pod spec: the download list that the pod's Secret
   * carries is what the downloader reads, and the pod's containers hold no key of the store.
   */
  @Test
  void thePodsSecretIsWhatTheDownloaderReads() throws IOException {
    byte[] model = random(100_000, 3);
    store.put("models/vision/served/2.onnx", new ByteArrayInputStream(model), Long.MAX_VALUE);
    ArtifactDownloads downloads = downloads();
    ArtifactReader reader =
        new ArtifactReader() {
          @Override
          public InputStream open(String key) {
            return store.open(key);
          }

          @Override
          public Optional<ArtifactDownload> download(String key, Duration ttl) {
            return downloads.of(key, ttl);
          }
        };
    PodSpecs specs =
        new PodSpecs(
            KubernetesSettings.defaults(),
            reader,
            new ArtifactSettings("capstan/capstan:test", Duration.ofHours(12)));
    ReplicaObjects objects =
        specs.objects(
            ReplicaLaunch.builder(new ReplicaId("churn-1a2b", "server-0"))
                .image("capstan/model-server")
                .resources(Resources.NONE)
                .tenant("vision")
                .mount(Mount.artifact("models/vision/served/2.onnx", "/capstan/model/model.onnx"))
                .build());

    String list =
        new String(
            Base64.getDecoder().decode(objects.secrets().get(0).getData().get("artifact-0.tsv")),
            UTF_8);
    Path listFile = Files.writeString(work.resolve("list.tsv"), list);
    Result result = run(listFile, work.resolve("model"));

    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(Files.readAllBytes(work.resolve("model/2.onnx"))).isEqualTo(model);
    assertThat(objects.pod().toString())
        .doesNotContain(TestingCeph.SECRET_KEY)
        .doesNotContain(TestingCeph.ACCESS_KEY)
        .doesNotContain("X-Amz-Signature");
  }

  private record Result(int exit, String out, String err) {}

  private static ArtifactDownloads downloads() {
    return new ArtifactDownloads(store, List.of());
  }

  private Result initialize(ArtifactDownload download, Path dir) throws IOException {
    Path list = Files.createTempFile(work, "list", ".tsv");
    Files.writeString(list, download.text());
    return run(list, dir);
  }

  private static Result run(Path list, Path dir) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        StorageInitializer.run(
            new String[] {"storage-initializer", list.toString(), dir.toString()},
            new PrintStream(out, true, UTF_8),
            new PrintStream(err, true, UTF_8));
    return new Result(exit, out.toString(UTF_8), err.toString(UTF_8));
  }

  private static InputStream bytes(String text) {
    return new ByteArrayInputStream(text.getBytes(UTF_8));
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha256(InputStream in) {
    try (in) {
      return sha256(in.readAllBytes());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
