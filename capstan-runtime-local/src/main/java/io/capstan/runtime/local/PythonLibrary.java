package io.capstan.runtime.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * The Python modules Capstan ships to every replica ({@code capstan_metrics}, decision 111): kept
 * in {@code <stateDir>/python-lib/}, readable by all, bound read-only at {@link #CONTAINER_PATH} in
 * a sandbox and added to the end of each replica's {@code PYTHONPATH}.
 */
final class PythonLibrary {
  /** Where a sandboxed replica sees the folder. */
  static final String CONTAINER_PATH = "/capstan/python-lib";

  static final String MODULE = "capstan_metrics.py";

  private PythonLibrary() {}

  /**
   * Writes the modules under {@code stateDir} unless they are there already; returns the folder.
   */
  static Path install(Path stateDir) {
    Path folder = stateDir.resolve("python-lib");
    Path file = folder.resolve(MODULE);
    try (InputStream in = PythonLibrary.class.getResourceAsStream(MODULE)) {
      if (in == null) {
        throw new IllegalStateException("Expected " + MODULE + " among the runtime's resources");
      }
      byte[] text = in.readAllBytes();
      Files.createDirectories(folder);
      Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
      if (Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), text)) {
        return folder;
      }
      Path temporary = Files.createTempFile(folder, MODULE, ".tmp");
      Files.write(temporary, text);
      Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the Python module " + file, e);
    }
  }

  /** {@code PYTHONPATH} with {@code folder} after what it had. */
  static String appendTo(String pythonPath, String folder) {
    return pythonPath == null || pythonPath.isEmpty() ? folder : pythonPath + ":" + folder;
  }
}
