package io.capstan.server.serving;

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
 * The secret each serving replica requires on its own ports: HMAC-SHA256 of the replica job's uid
 * under a key of this installation ({@code serving.key} in the data dir, 0600, made at first
 * start). Derived, never stored: not in the job's spec, not in the database, never logged. Given to
 * the model server at launch ({@code CAPSTAN_SERVING_SECRET}), to the gateway in its snapshot, and
 * sent by the readiness probe.
 */
final class ReplicaSecrets {
  static final String KEY_FILE = "serving.key";

  /** The variable the model server reads its secret from (capstan-serving's ReplicaSecret). */
  static final String ENVIRONMENT = "CAPSTAN_SERVING_SECRET";

  private final byte[] key;

  private ReplicaSecrets(byte[] key) {
    this.key = key;
  }

  /** The key kept in {@code dataDir}, made (32 random bytes, 0600) when it is missing. */
  static ReplicaSecrets inDataDir(Path dataDir) {
    Path file = dataDir.resolve(KEY_FILE);
    try {
      Files.createDirectories(dataDir);
      if (!Files.exists(file)) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        try {
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
          Files.writeString(file, HexFormat.of().formatHex(fresh) + "\n", StandardCharsets.UTF_8);
        } catch (FileAlreadyExistsException e) {
          // made by another start at the same moment: read theirs
        }
      }
      String hex = Files.readString(file, StandardCharsets.UTF_8).trim();
      return new ReplicaSecrets(HexFormat.of().parseHex(hex));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or create the serving key " + file, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "Expected " + file + " to hold the serving key in hex, but it did not", e);
    }
  }

  /** The secret of the replica job {@code jobUid}. */
  String secret(String jobUid) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(jobUid.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Expected the JDK to provide HmacSHA256, but it did not", e);
    }
  }

  @Override
  public String toString() {
    return "ReplicaSecrets[key hidden]";
  }
}
