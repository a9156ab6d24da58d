package io.capstan.server.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A spool's size, SHA-256 and per-part SHA-256s, read in one pass. */
class SpoolTest {
  @TempDir Path temp;

  @Test
  void eachPartHasTheSha256OfItsOwnBytesAndTheWholeItsOwn() throws Exception {
    byte[] content = "0123456789".getBytes(StandardCharsets.US_ASCII);

    Spool spool = Spool.write("k", new ByteArrayInputStream(content), temp.resolve("s"), 100, 4);

    assertThat(spool.artifact()).isEqualTo(new StoredArtifact("k", 10, hex("SHA-256", content)));
    assertThat(spool.partSha256s())
        .containsExactly(part(content, 0, 4), part(content, 4, 8), part(content, 8, 10));
    assertThat(Files.readAllBytes(spool.file())).isEqualTo(content);
    try (InputStream part = spool.slice(4, 4)) {
      assertThat(part.readAllBytes()).isEqualTo(Arrays.copyOfRange(content, 4, 8));
    }
  }

  @Test
  void contentOfWholePartsHasOneHashAPartAndContentOfOnePartTheWholesHash() {
    byte[] content = new byte[8];

    assertThat(spool(content, 4).partSha256s())
        .containsExactly(part(content, 0, 4), part(content, 4, 8));
    assertThat(spool(new byte[0], 4).partSha256s()).containsExactly(part(new byte[0], 0, 0));
    assertThat(spool(content, 100).partSha256s()).containsExactly(part(content, 0, 8));
  }

  @Test
  void contentPastTheLimitIsRefusedAndItsFileDeleted() {
    Path file = temp.resolve("big");

    assertThatThrownBy(
            () -> Spool.write("big", new ByteArrayInputStream(new byte[11]), file, 10, 4))
        .isInstanceOf(ArtifactTooLargeException.class);
    assertThat(file).doesNotExist();
  }

  private Spool spool(byte[] content, long partBytes) {
    return Spool.write(
        "k",
        new ByteArrayInputStream(content),
        temp.resolve("s" + System.nanoTime()),
        100,
        partBytes);
  }

  private static String part(byte[] content, int from, int to) {
    try {
      return hex("SHA-256", Arrays.copyOfRange(content, from, to));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(String algorithm, byte[] content) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
    } catch (Exception e) {
      throw new IOException(e);
    }
  }
}
