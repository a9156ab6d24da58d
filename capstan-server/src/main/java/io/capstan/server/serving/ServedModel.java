package io.capstan.server.serving;

import static java.util.Objects.requireNonNull;

/**
 * A model version as a serving replica loads it.
 *
 * @param name the model's name (the {@code {model}} of the v2 paths)
 * @param version its version number
 * @param artifactKey the ONNX file's key in the artifact store, which the runtime mounts
 */
record ServedModel(String name, int version, String artifactKey) {
  ServedModel {
    requireNonNull(name, "name is null");
    requireNonNull(artifactKey, "artifactKey is null");
  }

  /** {@code NAME:VERSION}, the pinned reference. */
  String pinned() {
    return name + ":" + version;
  }
}
