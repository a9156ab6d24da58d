package io.capstan.server.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The S3 artifact store against a real Ceph RADOS Gateway. */
class S3ArtifactStoreIT {
  private static final String HELLO_SHA256 =
      "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

  private static TestingCeph ceph;
  private static S3ArtifactStore store;
  @TempDir static Path cache;

  @BeforeAll
  static void startCeph() {
    ceph = TestingCeph.shared();
    store = S3ArtifactStore.open(ceph.config("artifacts", cache), cache);
    store.createBucketIfMissing();
    store.createBucketIfMissing(); // a second start finds it
  }

  @AfterAll
  static void stopCeph() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void putStatOpenAndDeleteAnObject() throws IOException {
    StoredArtifact stored = store.put("models/p/m/a.onnx", bytes("hello"), 100);

    assertThat(stored).isEqualTo(new StoredArtifact("models/p/m/a.onnx", 5, HELLO_SHA256));
    assertThat(store.stat("models/p/m/a.onnx")).contains(stored);
    try (InputStream in = store.open("models/p/m/a.onnx")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
    }
    assertThat(store.localPath("models/p/m/a.onnx")).isEmpty();
    assertThat(store.delete("models/p/m/a.onnx")).isTrue();
    assertThat(store.delete("models/p/m/a.onnx")).isFalse();
    assertThat(store.stat("models/p/m/a.onnx")).isEmpty();
    assertThatThrownBy(() -> store.open("models/p/m/a.onnx"))
        .isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void anArtifactOverTheLimitIsRefusedAndNothingIsStored() {
    assertThatThrownBy(() -> store.put("big/one", new ByteArrayInputStream(new byte[1001]), 1000))
        .isInstanceOf(ArtifactTooLargeException.class);

    assertThat(store.stat("big/one")).isEmpty();
  }

  @Test
  void aStreamThatFailsHalfwayStoresNothing() {
    InputStream failing =
        new InputStream() {
          private int left = 70_000;

          @Override
          public int read() throws IOException {
            if (left <= 0) {
              throw new IOException("disk gone");
            }
            left--;
            return 1;
          }
        };

    assertThatThrownBy(() -> store.put("half/one", failing, Long.MAX_VALUE))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("half/one");
    assertThat(store.stat("half/one")).isEmpty();
  }

  @Test
  void artifactsPutLaterAreMeasuredAtOnceAndStoredByAwaitWithNoSpoolLeft() throws IOException {
    List<PendingArtifact> pending = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      byte[] content = new byte[50_000 * i + 1];
      new Random(i).nextBytes(content);
      PendingArtifact artifact =
          store.putLater("later/v1/f" + i, new ByteArrayInputStream(content), 1L << 30);
      assertThat(artifact.artifact().sizeBytes()).isEqualTo(content.length);
      pending.add(artifact);
    }

    pending.forEach(PendingArtifact::await);

    for (int i = 0; i < 12; i++) {
      StoredArtifact measured = pending.get(i).artifact();
      assertThat(store.stat("later/v1/f" + i)).contains(measured);
      try (InputStream in = store.open("later/v1/f" + i)) {
        assertThat(in.readAllBytes()).hasSize(50_000 * i + 1);
      }
    }
    assertThatThrownBy(
            () -> store.putLater("later/big", new ByteArrayInputStream(new byte[1001]), 1000))
        .isInstanceOf(ArtifactTooLargeException.class);
    assertThat(store.stat("later/big")).isEmpty();
    try (Stream<Path> left = Files.list(cache.resolve(".tmp"))) {
      assertThat(left.filter(path -> path.toString().endsWith(".part"))).isEmpty();
    }
  }

  @Test
  void anObjectPastOnePartIsUploadedInPartsAndReadsBackWhole() throws Exception {
    byte[] content = new byte[(int) S3ArtifactStore.PART_BYTES + 3_000_000];
    new Random(7).nextBytes(content);

    StoredArtifact stored = store.put("large/blob", new ByteArrayInputStream(content), 1L << 40);

    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    assertThat(stored.sha256()).isEqualTo(sha256);
    assertThat(store.stat("large/blob").orElseThrow().sizeBytes()).isEqualTo(content.length);
    try (InputStream in = store.open("large/blob")) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
  }

  @Test
  void keysUnderAFolderArePagedAndAFolderIsCopiedHereOnce() throws IOException {
    for (int i = 0; i < 1_050; i++) {
      store.put("many/v1/f" + i, bytes("x" + i), 100);
    }
    store.put("many/v10/other", bytes("not v1"), 100);

    assertThat(store.keysUnder("many/v1")).hasSize(1_050).contains("many/v1/f1049");

    Path local = store.localFolder("many/v1").orElseThrow();
    assertThat(Files.readString(local.resolve("f7"))).isEqualTo("x7");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(local.resolve("f7"))))
        .isEqualTo("r--r--r--");
    assertThat(local.resolve("other")).doesNotExist();
    long modified = Files.getLastModifiedTime(local).toMillis();
    assertThat(store.localFolder("many/v1")).contains(local);
    assertThat(Files.getLastModifiedTime(local).toMillis()).isEqualTo(modified);
    assertThat(store.localFolder("nothing/here")).isEmpty();

    store.dropLocalFolder("many/v1");
    assertThat(local).doesNotExist();
  }

  private static InputStream bytes(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
