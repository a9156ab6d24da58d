package io.capstan.cli;

/** How a command prints objects: {@code -o wide|json|yaml}; without {@code -o}, a human view. */
public enum OutputFormat {
  /** The human table with more columns. */
  WIDE,
  /** The JSON the server sent, pretty-printed. */
  JSON,
  /** The same content as YAML. */
  YAML
}
