package io.capstan.cli.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A local folder as a tar stream (PAX long names), written by a thread of its own into a pipe, so
 * an upload streams a folder of any size without a copy on disk: the folder's regular files, in
 * path order, at their paths relative to it. Symbolic links are followed to regular files.
 */
final class DirectoryTar {
  private static final int PIPE = 1 << 20;

  private DirectoryTar() {}

  /** The regular files under {@code folder}, relative, sorted; refuses an empty folder. */
  static List<Path> files(Path folder) {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile).map(folder::relativize).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + folder, e);
    }
  }

  /** A stream of the tar of {@code files} (relative to {@code folder}), written as it is read. */
  static InputStream stream(Path folder, List<Path> files) {
    PipedInputStream in = new PipedInputStream(PIPE);
    PipedOutputStream out;
    try {
      out = new PipedOutputStream(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread writer =
        new Thread(
            () -> {
              try (out) {
                write(folder, files, out);
              } catch (IOException e) {
                // The reader sees the pipe end early; the server refuses a truncated tar.
              }
            },
            "capstan-tar");
    writer.setDaemon(true);
    writer.start();
    return in;
  }

  static void write(Path folder, List<Path> files, OutputStream out) throws IOException {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out, 64 * 1024);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    for (Path relative : files) {
      Path file = folder.resolve(relative);
      TarArchiveEntry entry =
          new TarArchiveEntry(file.toFile(), relative.toString().replace('\\', '/'));
      entry.setSize(Files.size(file));
      entry.setModTime(Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS));
      tar.putArchiveEntry(entry);
      Files.copy(file, tar);
      tar.closeArchiveEntry();
    }
    tar.finish();
  }
}
