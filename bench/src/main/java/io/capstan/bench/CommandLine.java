package io.capstan.bench;

/** The {@code --name value} options of a harness's command line. */
final class CommandLine {
  private CommandLine() {}

  /** The value after {@code name}, or {@code fallback} when the option is absent. */
  static String value(String[] args, String name, String fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }

  static int intValue(String[] args, String name, int fallback) {
    return Integer.parseInt(value(args, name, Integer.toString(fallback)));
  }
}
