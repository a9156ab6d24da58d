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
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local artifact store: atomic puts, nothing left by a failed one, SHA-256 while streaming. */
class LocalArtifactStoreTest {
  /** SHA-256 of "hello", as {@code sha256sum} prints it. */
  private static final String HELLO_SHA256 =
      "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

  @TempDir Path root;

  @Test
  void putComputesSizeAndSha256AndTheArtifactReadsBack() throws IOException {
    LocalArtifactStore store = new LocalArtifactStore(root);

    StoredArtifact stored = store.put("models/p/m/a.onnx", bytes("hello"), 100);

    assertThat(stored).isEqualTo(new StoredArtifact("models/p/m/a.onnx", 5, HELLO_SHA256));
    try (InputStream in = store.open("models/p/m/a.onnx")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
    }
    assertThat(store.stat("models/p/m/a.onnx")).contains(stored);
    assertThat(store.localPath("models/p/m/a.onnx")).contains(root.resolve("models/p/m/a.onnx"));
  }

  @Test
  void aStreamThatFailsHalfwayLeavesNothingAndKeepsWhatWasThere() {
    LocalArtifactStore store = new LocalArtifactStore(root);
    store.put("a/b", bytes("hello"), 100);

    assertThatThrownBy(() -> store.put("a/b", failingAfter(70_000), Long.MAX_VALUE))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("a/b");
    assertThatThrownBy(() -> store.put("a/c", failingAfter(10), Long.MAX_VALUE))
        .isInstanceOf(UncheckedIOException.class);

    assertThat(store.stat("a/b").orElseThrow().sha256()).isEqualTo(HELLO_SHA256);
    assertThat(store.stat("a/c")).isEmpty();
    assertThat(filesUnder(root)).containsExactly(root.resolve("a/b"));
  }

  @Test
  void anArtifactOverTheLimitIsRefusedAndLeavesNothing() {
    LocalArtifactStore store = new LocalArtifactStore(root);

    assertThatThrownBy(() -> store.put("big", new ByteArrayInputStream(new byte[1001]), 1000))
        .isInstanceOfSatisfying(
            ArtifactTooLargeException.class, e -> assertThat(e.maxBytes()).isEqualTo(1000));

    assertThat(store.stat("big")).isEmpty();
    assertThat(filesUnder(root)).isEmpty();
    assertThat(store.put("exact", new ByteArrayInputStream(new byte[1000]), 1000).sizeBytes())
        .isEqualTo(1000);
  }

  @Test
  void deleteRemovesTheArtifactOnce() {
    LocalArtifactStore store = new LocalArtifactStore(root);
    store.put("x", bytes("hello"), 100);

    assertThat(store.delete("x")).isTrue();
    assertThat(store.delete("x")).isFalse();
    assertThat(store.stat("x")).isEmpty();
    assertThat(store.localPath("x")).isEmpty();
    assertThatThrownBy(() -> store.open("x")).isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void keysThatCouldEscapeTheRootAreRefused() {
    LocalArtifactStore store = new LocalArtifactStore(root);

    for (String key :
        new String[] {"../x", "a/../../x", "/etc/passwd", "a//b", "", "a/./b", "a b"}) {
      assertThatThrownBy(() -> store.put(key, bytes("x"), 10))
          .as(key)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(filesUnder(root)).isEmpty();
  }

  @Test
  void temporaryFilesACrashLeftBehindAreSwept() throws IOException {
    Files.createDirectories(root.resolve(".tmp"));
    Files.writeString(root.resolve(".tmp/123.part"), "half");
    LocalArtifactStore store = new LocalArtifactStore(root);

    store.sweepTemporary();

    assertThat(filesUnder(root)).isEmpty();
  }

  @Test
  void deletingTheLastArtifactOfAFolderRemovesTheFolderButNotItsNeighbours() {
    LocalArtifactStore store = new LocalArtifactStore(root);
    store.put("models/p/refused/a.onnx", bytes("x"), 10);
    store.put("models/p/kept/b.onnx", bytes("y"), 10);

    store.delete("models/p/refused/a.onnx");

    assertThat(root.resolve("models/p/refused")).doesNotExist();
    assertThat(root.resolve("models/p/kept/b.onnx")).exists();
    assertThat(store.keysUnder("models")).containsExactly("models/p/kept/b.onnx");
  }

  @Test
  void emptyFoldersAreSweptAtStartAndFoldersWithArtifactsKept() throws IOException {
    Files.createDirectories(root.resolve("models/p/refused/deeper"));
    Files.createDirectories(root.resolve(".tmp"));
    LocalArtifactStore store = new LocalArtifactStore(root);
    store.put("models/p/kept/b.onnx", bytes("y"), 10);

    int removed = store.sweepEmptyFolders();

    assertThat(removed).isEqualTo(2);
    assertThat(root.resolve("models/p/refused")).doesNotExist();
    assertThat(root.resolve("models/p/kept/b.onnx")).exists();
    assertThat(root.resolve(".tmp")).exists();
    assertThat(store.keysUnder("models")).containsExactly("models/p/kept/b.onnx");
    assertThat(store.keysUnder("nothing")).isEmpty();
  }

  private static InputStream bytes(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Yields {@code good} bytes, then fails as a dropped upload connection does. */
  private static InputStream failingAfter(int good) {
    return new InputStream() {
      private int read;

      @Override
      public int read() throws IOException {
        if (read++ >= good) {
          throw new IOException("connection reset");
        }
        return 'x';
      }
    };
  }

  private static java.util.List<Path> filesUnder(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
