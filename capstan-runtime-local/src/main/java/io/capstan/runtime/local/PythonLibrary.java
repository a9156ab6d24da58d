package io.capstan.runtime.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

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
    try (InputStream in = PythonLibrary.class.getResourceAsStream(MODULE)) {
      if (in == null) {
        throw new IllegalStateException("Expected " + MODULE + " among the runtime's resources");
      }
      // Replaced atomically, as a script is: a replica may be importing the old one.
      StateScript.install(folder, MODULE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the resource " + MODULE, e);
    }
  }

  /** {@code PYTHONPATH} with {@code folder} after what it had. */
  static String appendTo(String pythonPath, String folder) {
    return pythonPath == null || pythonPath.isEmpty() ? folder : pythonPath + ":" + folder;
  }
}
