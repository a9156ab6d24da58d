package io.capstan.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The Python helper Capstan ships to replicas, {@code capstan_metrics} (decision 111: {@code
 * report(step=1, loss=0.2)} writes a line of {@link MetricFiles#METRICS_FILE_ENV}, or prints
 * Katib's format where that is unset). Standard library only. A runtime that offers {@link
 * MetricFiles} puts it in {@link #FOLDER} of its replicas.
 */
public final class PythonHelper {
  /** The module's file name. */
  public static final String MODULE = "capstan_metrics.py";

  /** Where replicas find the module. */
  public static final String FOLDER = "/capstan/python-lib";

  private PythonHelper() {}

  /** The module's source. */
  public static String source() {
    try (InputStream in = PythonHelper.class.getResourceAsStream(MODULE)) {
      if (in == null) {
        throw new IllegalStateException("Expected " + MODULE + " among the runtime's resources");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the resource " + MODULE, e);
    }
  }

  /** {@code PYTHONPATH} with {@code folder} after what it had. */
  public static String appendTo(String pythonPath, String folder) {
    return pythonPath == null || pythonPath.isEmpty() ? folder : pythonPath + ":" + folder;
  }
}
