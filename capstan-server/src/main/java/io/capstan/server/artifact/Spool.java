package io.capstan.server.artifact;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An artifact's content in a local file on its way to an object store, read once on the way in for
 * its size, its SHA-256 (kept as the artifact's checksum) and the SHA-256 of each upload part (what
 * each request's body is signed with, decision 127).
 *
 * @param partSha256s hex SHA-256 of each {@code partBytes} slice in order; one, the artifact's own,
 *     for content that fits a part (an empty one too)
 */
record Spool(StoredArtifact artifact, Path file, List<String> partSha256s) {
  private static final Logger log = LoggerFactory.getLogger(Spool.class);
  private static final int BUFFER = 256 * 1024;
  private static final HexFormat HEX = HexFormat.of();

  Spool {
    requireNonNull(artifact, "artifact is null");
    requireNonNull(file, "file is null");
    partSha256s = List.copyOf(partSha256s);
  }

  /**
   * Writes everything {@code content} yields to the new file {@code file}; deletes it when that
   * fails. Content of one part is hashed once; past the first part, each part is hashed on its own
   * as well.
   *
   * @throws ArtifactTooLargeException past {@code maxBytes}
   */
  static Spool write(String key, InputStream content, Path file, long maxBytes, long partBytes) {
    MessageDigest whole = digest("SHA-256");
    MessageDigest part = null; // from the second part on; the first part's is a copy of whole's
    List<String> parts = new ArrayList<>();
    long size = 0;
    long inPart = 0;
    try (OutputStream out =
        Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      byte[] buffer = new byte[BUFFER];
      int n;
      while ((n = content.read(buffer)) >= 0) {
        size += n;
        if (size > maxBytes) {
          throw new ArtifactTooLargeException(key, maxBytes);
        }
        for (int offset = 0; offset < n; ) {
          int take = (int) Math.min(n - offset, partBytes - inPart);
          whole.update(buffer, offset, take);
          if (part != null) {
            part.update(buffer, offset, take);
          }
          offset += take;
          inPart += take;
          if (inPart == partBytes) {
            parts.add(HEX.formatHex(part == null ? copy(whole).digest() : part.digest()));
            part = part == null ? digest("SHA-256") : part;
            inPart = 0;
          }
        }
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      delete(file);
      throw new UncheckedIOException("Cannot store artifact " + key, e);
    } catch (RuntimeException e) {
      delete(file);
      throw e;
    }
    String sha256 = HEX.formatHex(whole.digest());
    if (parts.isEmpty()) {
      parts.add(sha256);
    } else if (inPart > 0) {
      parts.add(HEX.formatHex(part.digest()));
    }
    return new Spool(new StoredArtifact(key, size, sha256), file, parts);
  }

  /**
   * A fresh stream of {@code length} bytes of the file from {@code offset}: the SDK may read a part
   * twice.
   */
  InputStream slice(long offset, long length) {
    try {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
      channel.position(offset);
      return new BoundedStream(Channels.newInputStream(channel), length);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  void delete() {
    delete(file);
  }

  static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("Cannot delete temporary file {}", file, e);
    }
  }

  private static MessageDigest copy(MessageDigest digest) {
    try {
      return (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("The platform's SHA-256 cannot be copied", e);
    }
  }

  static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java platform has " + algorithm, e);
    }
  }

  /** At most {@code limit} bytes of a stream. */
  private static final class BoundedStream extends InputStream {
    private final InputStream in;
    private long left;

    BoundedStream(InputStream in, long limit) {
      this.in = in;
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(buffer, offset, (int) Math.min(length, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
