package io.capstan.server.dataset;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads an uploaded tar stream (ustar, GNU or PAX long names) into a {@link DatasetWriter}: every
 * regular file at its path, folders implied; links and devices are refused, since a dataset is
 * plain files. Paths lose a leading {@code ./}; absolute paths and {@code ..} are refused.
 */
final class TarUpload {
  private TarUpload() {}

  static void read(InputStream body, DatasetWriter writer, String field) {
    try {
      TarArchiveInputStream tar = new TarArchiveInputStream(body);
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        if (entry.isDirectory()) {
          continue;
        }
        String path = path(entry.getName(), field);
        if (!entry.isFile()) {
          throw new CapstanException(
              ErrorCode.INVALID_ARGUMENT,
              field,
              "Expected only regular files and folders in the dataset's tar stream, but '"
                  + path
                  + "' is a link or a device; copy the file it stands for instead");
        }
        writer.add(path, tar);
      }
    } catch (IOException e) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          field,
          "Expected " + field + " to be a tar stream, but it could not be read: " + e.getMessage(),
          e);
    } catch (UncheckedIOException e) {
      throw e;
    }
  }

  private static String path(String name, String field) {
    String path = name;
    while (path.startsWith("./")) {
      path = path.substring(2);
    }
    if (path.startsWith("/") || List.of(path.split("/")).contains("..") || path.isEmpty()) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          field,
          "Expected relative file paths without '..' in the dataset's tar stream, but it has '"
              + name
              + "'");
    }
    return path;
  }
}
