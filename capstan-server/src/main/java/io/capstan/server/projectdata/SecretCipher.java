package io.capstan.server.projectdata;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secret values at rest with AES-256-GCM under the server's key, a file of the data dir
 * ({@value #KEY_FILE}, mode 0600, created on first start). Each value set gets a fresh 96-bit
 * nonce; the object's project, kind and name are the associated data, so a row copied under another
 * name does not decrypt (decision 84).
 */
public final class SecretCipher {
  /** The key's file name in the data dir. */
  public static final String KEY_FILE = "secrets.key";

  private static final String FORMAT = "v1:";
  private static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  SecretCipher(byte[] key) {
    requireNonNull(key, "key is null");
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException(
          "Expected a key of " + KEY_BYTES + " bytes, but it has " + key.length);
    }
    this.key = new SecretKeySpec(key.clone(), "AES");
  }

  /**
   * The cipher of a key given as base64 in the environment variable {@code CAPSTAN_SECRETS_KEY} (on
   * Kubernetes, from a Secret shared by every control-plane replica), refused with the variable
   * named when it does not hold a key.
   */
  public static SecretCipher ofEnvironment(String base64) {
    try {
      return new SecretCipher(Base64.getDecoder().decode(base64.strip()));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "Expected CAPSTAN_SECRETS_KEY to hold a base64 AES key of "
              + KEY_BYTES
              + " bytes (head -c 32 /dev/urandom | base64), but it does not",
          e);
    }
  }

  /**
   * The cipher of the key in {@code dataDir}, creating the key file (0600) when there is none.
   * Refuses a key file that others than its owner may read, or that does not hold a key.
   */
  public static SecretCipher inDataDir(Path dataDir) {
    Path file = dataDir.resolve(KEY_FILE);
    try {
      if (!Files.exists(file)) {
        create(file);
      }
      requireOwnerOnly(file);
      byte[] key = Base64.getDecoder().decode(Files.readString(file).strip());
      return new SecretCipher(key);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "Expected "
              + file
              + " to hold a base64 AES key of "
              + KEY_BYTES
              + " bytes, but it does"
              + " not; restore it from a backup (secrets written under another key cannot be"
              + " read)",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or create the secrets key " + file, e);
    }
  }

  /** Writes a new key beside {@code file} and links it into place, so no reader sees it half. */
  private static void create(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    byte[] key = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(key);
    Path temp =
        Files.createTempFile(
            file.getParent(), KEY_FILE, ".new", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    try {
      Files.writeString(temp, Base64.getEncoder().encodeToString(key) + "\n");
      Files.createLink(file, temp);
    } catch (FileAlreadyExistsException e) {
      // Another server on this data dir made one first: use that.
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void requireOwnerOnly(Path file) throws IOException {
    Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException e) {
      return; // not a POSIX file system: its own access control applies
    }
    if (!OWNER_ONLY.containsAll(permissions)) {
      throw new IllegalStateException(
          "Expected "
              + file
              + " to be readable by its owner only (mode 0600), but it is "
              + PosixFilePermissions.toString(permissions)
              + "; run chmod 600 "
              + file);
    }
  }

  /** {@code plain} encrypted, as text: {@code v1:} and the base64 of nonce and ciphertext. */
  String encrypt(byte[] plain, String associated) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] sealed = run(Cipher.ENCRYPT_MODE, nonce, associated, plain);
    byte[] out = new byte[NONCE_BYTES + sealed.length];
    System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
    System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
    return FORMAT + Base64.getEncoder().encodeToString(out);
  }

  /**
   * The plain bytes of what {@link #encrypt} wrote for {@code associated}; fails when it was
   * written under another key or for another object (the message names neither key nor content).
   */
  byte[] decrypt(String text, String associated) {
    if (!text.startsWith(FORMAT)) {
      throw new IllegalStateException(
          "Expected the stored values of " + associated + " to start with " + FORMAT + ", but not");
    }
    byte[] in = Base64.getDecoder().decode(text.substring(FORMAT.length()));
    byte[] nonce = new byte[NONCE_BYTES];
    System.arraycopy(in, 0, nonce, 0, NONCE_BYTES);
    byte[] sealed = new byte[in.length - NONCE_BYTES];
    System.arraycopy(in, NONCE_BYTES, sealed, 0, sealed.length);
    return run(Cipher.DECRYPT_MODE, nonce, associated, sealed);
  }

  private byte[] run(int mode, byte[] nonce, String associated, byte[] input) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associated.getBytes(StandardCharsets.UTF_8));
      return cipher.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "Cannot "
              + (mode == Cipher.ENCRYPT_MODE ? "encrypt" : "decrypt")
              + " the values of "
              + associated
              + (mode == Cipher.DECRYPT_MODE
                  ? ": they were written under another key than "
                      + KEY_FILE
                      + " of the data dir, or changed"
                  : ""),
          e);
    }
  }
}
