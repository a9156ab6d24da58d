package io.capstan.api.job;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;

/**
 * A job's declared output to register as a new model version when the job succeeds.
 *
 * @param model the model's name in the job's project
 * @param path the file, relative to the job's output directory ({@code CAPSTAN_OUTPUT_DIR})
 */
public record ModelOutput(String model, String path) {
  /** The file a job is expected to write when it names none. */
  public static final String DEFAULT_PATH = "model.onnx";

  public ModelOutput {
    requireNonNull(model, "model is null");
    path = path == null ? DEFAULT_PATH : path;
  }

  /**
   * Checks a path relative to a job's output directory: not empty, not absolute, no {@code ..} or
   * empty segment, no backslash or NUL. Returns it.
   *
   * @throws CapstanException INVALID_ARGUMENT naming {@code field}
   */
  public static String checkPath(String path, String field) {
    String problem = pathProblem(path);
    if (problem != null) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          field,
          "Expected "
              + field
              + " to be a file path relative to the job's output directory, but "
              + problem);
    }
    return path;
  }

  private static String pathProblem(String path) {
    if (path == null || path.isEmpty()) {
      return "it is empty";
    }
    if (path.startsWith("/")) {
      return "'" + path + "' is absolute";
    }
    if (path.indexOf('\\') >= 0 || path.indexOf('\0') >= 0) {
      return "'" + path + "' holds a backslash or NUL";
    }
    for (String segment : path.split("/", -1)) {
      if (segment.equals("..")) {
        return "'" + path + "' escapes it with '..'";
      }
      if (segment.isEmpty() || segment.equals(".")) {
        return "'" + path + "' has an empty or '.' segment";
      }
    }
    return null;
  }
}
