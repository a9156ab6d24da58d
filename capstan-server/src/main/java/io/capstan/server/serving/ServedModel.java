package io.capstan.server.serving;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * A model version as a serving replica loads it.
 *
 * @param name the model's name (the {@code {model}} of the v2 paths)
 * @param version its version number
 * @param file the ONNX file the replica reads
 */
record ServedModel(String name, int version, Path file) {
  ServedModel {
    requireNonNull(name, "name is null");
    requireNonNull(file, "file is null");
  }

  /** {@code NAME:VERSION}, the pinned reference. */
  String pinned() {
    return name + ":" + version;
  }
}
