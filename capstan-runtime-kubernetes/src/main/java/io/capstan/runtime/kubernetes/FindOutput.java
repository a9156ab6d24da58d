package io.capstan.runtime.kubernetes;

import io.capstan.runtime.VolumeFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The listing of a reader pod's {@code find . ! -type d -exec stat -c '%s %f' {} \; -print0}: for
 * each entry that is not a directory, a line of its size and its raw mode in hex, then its path
 * ({@code ./a/b}) ended by a NUL byte. A path may hold any byte but NUL, a line break too, so the
 * entries are read by these two ends and never by lines. {@code find} without {@code -L} never
 * follows a symbolic link: a link is listed as an entry that is not a regular file.
 */
final class FindOutput {
  private static final int TYPE_MASK = 0xF000;
  private static final int REGULAR = 0x8000;

  private FindOutput() {}

  /** The entries of {@code output}, in path order. */
  static List<VolumeFile> parse(byte[] output) {
    List<VolumeFile> files = new ArrayList<>();
    int at = 0;
    while (at < output.length) {
      int lineEnd = indexOf(output, (byte) '\n', at);
      int pathEnd = lineEnd < 0 ? -1 : indexOf(output, (byte) 0, lineEnd + 1);
      if (pathEnd < 0) {
        throw malformed(output, at);
      }
      String[] sizeAndMode =
          new String(output, at, lineEnd - at, StandardCharsets.UTF_8).split(" ");
      String path = new String(output, lineEnd + 1, pathEnd - lineEnd - 1, StandardCharsets.UTF_8);
      if (sizeAndMode.length != 2 || !path.startsWith("./")) {
        throw malformed(output, at);
      }
      try {
        long size = Long.parseLong(sizeAndMode[0]);
        boolean regular = (Integer.parseInt(sizeAndMode[1], 16) & TYPE_MASK) == REGULAR;
        files.add(new VolumeFile(path.substring(2), regular ? size : 0, regular));
      } catch (NumberFormatException e) {
        throw malformed(output, at);
      }
      at = pathEnd + 1;
    }
    files.sort(Comparator.comparing(VolumeFile::path));
    return files;
  }

  private static int indexOf(byte[] bytes, byte wanted, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
  }

  private static IllegalStateException malformed(byte[] output, int at) {
    String rest = new String(output, at, Math.min(80, output.length - at), StandardCharsets.UTF_8);
    return new IllegalStateException(
        "Expected the volume reader's find to print '<size> <mode>' and a path ended by NUL for"
            + " each entry, but found '"
            + rest.replace("\0", "\\0").replace("\n", "\\n")
            + "' at byte "
            + at);
  }
}
