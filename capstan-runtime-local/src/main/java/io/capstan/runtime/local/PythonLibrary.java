package io.capstan.runtime.local;

import io.capstan.runtime.PythonHelper;
import java.nio.file.Path;

/**
 * The Python modules Capstan ships to every replica ({@code capstan_metrics}, decision 111): kept
 * in {@code <stateDir>/python-lib/}, readable by all, bound read-only at {@link #CONTAINER_PATH} in
 * a sandbox and added to the end of each replica's {@code PYTHONPATH}.
 */
final class PythonLibrary {
  /** Where a sandboxed replica sees the folder. */
  static final String CONTAINER_PATH = PythonHelper.FOLDER;

  private PythonLibrary() {}

  /**
   * Writes the modules under {@code stateDir} unless they are there already; returns the folder.
   */
  static Path install(Path stateDir) {
    Path folder = stateDir.resolve("python-lib");
    // Replaced atomically, as a script is: a replica may be importing the old one.
    StateScript.install(folder, PythonHelper.MODULE, PythonHelper.source());
    return folder;
  }
}
