package io.capstan.cli.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A local folder as a tar stream (PAX long names), written straight onto the upload's connection,
 * so an upload streams a folder of any size without a copy on disk: the folder's regular files, in
 * path order, at their paths relative to it. Symbolic links are followed to regular files.
 */
final class DirectoryTar {
  private static final int BUFFER = 256 * 1024;

  private DirectoryTar() {}

  /** The regular files under {@code folder}, relative, sorted; refuses an empty folder. */
  static List<Path> files(Path folder) {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile).map(folder::relativize).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + folder, e);
    }
  }

  /** Writes the tar of {@code files} (relative to {@code folder}) onto {@code out}. */
  static void write(Path folder, List<Path> files, OutputStream out) throws IOException {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out, 64 * 1024);
    byte[] buffer = new byte[BUFFER];
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    for (Path relative : files) {
      Path file = folder.resolve(relative);
      TarArchiveEntry entry =
          new TarArchiveEntry(file.toFile(), relative.toString().replace('\\', '/'));
      entry.setSize(Files.size(file));
      entry.setModTime(Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS));
      tar.putArchiveEntry(entry);
      try (InputStream in = Files.newInputStream(file)) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          tar.write(buffer, 0, n);
        }
      }
      tar.closeArchiveEntry();
    }
    tar.finish();
  }
}
