package io.capstan.server.notebook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Jupyter token of each notebook server: HMAC-SHA256 of its workload's uid under a key of this
 * installation ({@code notebook.key} in the data dir, 0600, made at first start). Derived, never
 * stored or logged, never sent to a browser: the proxy adds it to every request it forwards, and a
 * restarted control plane derives it again for the servers that kept running.
 */
final class NotebookTokens {
  static final String KEY_FILE = "notebook.key";

  private final SecretKeySpec key;

  private NotebookTokens(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  /** The key kept in {@code dataDir}, made when it is missing. */
  static NotebookTokens inDataDir(Path dataDir) {
    Path file = dataDir.resolve(KEY_FILE);
    try {
      Files.createDirectories(dataDir);
      if (!Files.exists(file)) {
        writeNewKey(file);
      }
      return new NotebookTokens(
          HexFormat.of().parseHex(Files.readString(file, StandardCharsets.UTF_8).trim()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or create the notebook key " + file, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "Expected " + file + " to hold the notebook key in hex, but it did not", e);
    }
  }

  private static void writeNewKey(Path file) throws IOException {
    byte[] fresh = new byte[32];
    new SecureRandom().nextBytes(fresh);
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, HexFormat.of().formatHex(fresh) + "\n", StandardCharsets.UTF_8);
    } catch (FileAlreadyExistsException e) {
      // another start made it at the same moment: read that one
    }
  }

  /** The token of the notebook workload {@code jobUid}. */
  String token(String jobUid) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return HexFormat.of().formatHex(mac.doFinal(jobUid.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Expected the JDK to provide HmacSHA256, but it did not", e);
    }
  }

  @Override
  public String toString() {
    return "NotebookTokens[key hidden]";
  }
}
