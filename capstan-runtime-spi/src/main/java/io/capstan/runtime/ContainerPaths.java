package io.capstan.runtime;

/** The rule every container path of a launch follows: absolute, normalized, not {@code /}. */
final class ContainerPaths {
  private ContainerPaths() {}

  /**
   * Checks {@code containerPath}.
   *
   * @param what whose path it is, for the message: {@code a mount's}, {@code a file's}
   */
  static void check(String containerPath, String what) {
    if (!containerPath.startsWith("/")
        || containerPath.length() < 2
        || containerPath.endsWith("/")
        || containerPath.contains("/../")
        || containerPath.endsWith("/..")) {
      throw new IllegalArgumentException(
          "Expected "
              + what
              + " container path to be absolute, normalized and not '/', but was '"
              + containerPath
              + "'");
    }
  }
}
