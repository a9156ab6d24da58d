package io.capstan.runtime;

/** The rule of relative paths in a job volume and of artifact keys: slash-separated, no escape. */
final class VolumePaths {
  private VolumePaths() {}

  /**
   * Checks that {@code path} is relative, with non-empty segments none of which is {@code .} or
   * {@code ..}, and holds no backslash or NUL.
   *
   * @param what what it is, for the message: {@code a volume path}, {@code an artifact key}
   */
  static String check(String path, String what) {
    boolean bad = path.isEmpty() || path.indexOf('\\') >= 0 || path.indexOf('\0') >= 0;
    for (String segment : path.split("/", -1)) {
      bad |= segment.isEmpty() || segment.equals(".") || segment.equals("..");
    }
    if (bad) {
      throw new IllegalArgumentException(
          "Expected "
              + what
              + " to be a relative path of non-empty segments without '.', '..', backslash or"
              + " NUL, but was '"
              + path
              + "'");
    }
    return path;
  }
}
