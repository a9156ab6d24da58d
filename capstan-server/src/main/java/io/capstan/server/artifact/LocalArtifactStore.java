package io.capstan.server.artifact;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Artifacts as files under a root directory ({@code <data-dir>/artifacts}): {@code put} writes a
 * temporary file in {@code .tmp/} on the same file system, syncs it and renames it into place, so a
 * reader never sees half an artifact and a failed upload leaves nothing. Deleting an artifact also
 * removes the folders it leaves empty.
 */
public final class LocalArtifactStore implements ArtifactStore {
  private static final Logger log = LoggerFactory.getLogger(LocalArtifactStore.class);
  private static final int BUFFER = 64 * 1024;

  private final Path root;
  private final Path temporary;

  /**
   * Held while a folder is created and filled, or emptied and removed, so neither undoes the other.
   */
  private final Object folders = new Object();

  public LocalArtifactStore(Path root) {
    this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    this.temporary = this.root.resolve(".tmp");
  }

  @Override
  public StoredArtifact put(String key, InputStream content, long maxBytes) {
    Path target = file(key);
    Path tmp = temporary.resolve(UUID.randomUUID() + ".part");
    boolean moved = false;
    try {
      Files.createDirectories(temporary);
      MessageDigest sha256 = sha256();
      long size = copy(key, content, tmp, sha256, maxBytes);
      synchronized (folders) {
        Files.createDirectories(target.getParent());
        move(tmp, target);
      }
      moved = true;
      return new StoredArtifact(key, size, HexFormat.of().formatHex(sha256.digest()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot store artifact " + key, e);
    } finally {
      if (!moved) {
        deleteQuietly(tmp);
      }
    }
  }

  @Override
  public InputStream open(String key) {
    try {
      return Files.newInputStream(file(key));
    } catch (NoSuchFileException e) {
      throw new NoSuchElementException("No artifact " + key);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read artifact " + key, e);
    }
  }

  @Override
  public Optional<StoredArtifact> stat(String key) {
    Path file = file(key);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    MessageDigest sha256 = sha256();
    long size = 0;
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[BUFFER];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        sha256.update(buffer, 0, n);
        size += n;
      }
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read artifact " + key, e);
    }
    return Optional.of(new StoredArtifact(key, size, HexFormat.of().formatHex(sha256.digest())));
  }

  @Override
  public boolean delete(String key) {
    Path file = file(key);
    try {
      synchronized (folders) {
        boolean deleted = Files.deleteIfExists(file);
        removeEmptyFolders(file.getParent());
        return deleted;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete artifact " + key, e);
    }
  }

  @Override
  public List<String> keysUnder(String folder) {
    Path start = file(folder);
    if (!Files.isDirectory(start)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(start)) {
      return files
          .filter(Files::isRegularFile)
          .filter(file -> !file.startsWith(temporary))
          .map(file -> root.relativize(file).toString().replace(File.separatorChar, '/'))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list artifacts under " + folder, e);
    }
  }

  /** Removes {@code folder} and its parents up to (not including) the root while they are empty. */
  private void removeEmptyFolders(Path folder) throws IOException {
    for (Path dir = folder; dir != null && dir.startsWith(root) && !dir.equals(root); ) {
      try {
        Files.delete(dir);
      } catch (DirectoryNotEmptyException | NoSuchFileException e) {
        return;
      }
      dir = dir.getParent();
    }
  }

  /**
   * Removes the empty folders under the root (never the root or {@code .tmp}), such as those that
   * refused uploads left before {@link #delete} removed them; called once at start. Returns how
   * many it removed.
   */
  public int sweepEmptyFolders() {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    List<Path> dirs;
    try (Stream<Path> walk = Files.walk(root)) {
      // Deepest first, so a folder holding only empty folders is empty by the time it is seen.
      dirs =
          walk.filter(Files::isDirectory)
              .filter(dir -> !dir.equals(root) && !dir.startsWith(temporary))
              .sorted(Comparator.comparingInt(Path::getNameCount).reversed())
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the folders under " + root, e);
    }
    int removed = 0;
    synchronized (folders) {
      for (Path dir : dirs) {
        try {
          Files.delete(dir);
          removed++;
          log.info("Removed empty artifact folder {}", root.relativize(dir));
        } catch (DirectoryNotEmptyException | NoSuchFileException e) {
          // Holds an artifact, or went away meanwhile: keep going.
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot remove " + dir, e);
        }
      }
    }
    return removed;
  }

  @Override
  public Optional<Path> localPath(String key) {
    Path file = file(key);
    return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
  }

  @Override
  public Optional<Path> localFolder(String folder) {
    Path dir = file(folder);
    return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
  }

  private Path file(String key) {
    return root.resolve(ArtifactKeys.check(key));
  }

  private static long copy(
      String key, InputStream content, Path tmp, MessageDigest sha256, long maxBytes)
      throws IOException {
    long size = 0;
    try (FileChannel channel =
            FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
      byte[] buffer = new byte[BUFFER];
      int n;
      while ((n = content.read(buffer)) >= 0) {
        size += n;
        if (size > maxBytes) {
          throw new ArtifactTooLargeException(key, maxBytes);
        }
        sha256.update(buffer, 0, n);
        out.write(buffer, 0, n);
      }
      out.flush();
      channel.force(true);
    }
    return size;
  }

  private static void move(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // Same directory tree, so this only happens on exotic file systems; still one rename.
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java platform has SHA-256", e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // The put already failed with its own error; a stray .part file is swept on next start.
      log.warn("Cannot delete temporary file {}", file, e);
    }
  }

  /** Deletes temporary files that a crash left behind; called once at start. */
  public void sweepTemporary() {
    if (!Files.isDirectory(temporary)) {
      return;
    }
    try (var parts = Files.list(temporary)) {
      for (Path part : parts.toList()) {
        Files.deleteIfExists(part);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot clean " + temporary, e);
    }
  }
}
