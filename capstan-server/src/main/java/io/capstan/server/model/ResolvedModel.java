package io.capstan.server.model;

import static java.util.Objects.requireNonNull;

import io.capstan.api.model.ModelSignature;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A model reference resolved to one version, with what a server needs to load it.
 *
 * @param project the project
 * @param model the model's name
 * @param version the version the reference means now
 * @param artifactKey the ONNX file's key in the artifact store
 * @param sha256 the file's SHA-256, hex
 * @param localPath the file on this machine (present with the local artifact store)
 * @param signature inputs and outputs
 * @param alias the alias that was resolved ({@code latest} included), or null for {@code NAME:N}
 * @param aliasGeneration for a stored alias, its generation (bumped on every assignment), else 0; a
 *     controller serving {@code NAME@ALIAS} rolls when this or {@code version} changes
 * @param aliasUpdatedAt for a stored alias, when it was last assigned, else null
 */
public record ResolvedModel(
    String project,
    String model,
    int version,
    String artifactKey,
    String sha256,
    Optional<Path> localPath,
    ModelSignature signature,
    String alias,
    long aliasGeneration,
    Instant aliasUpdatedAt) {
  public ResolvedModel {
    requireNonNull(project, "project is null");
    requireNonNull(model, "model is null");
    requireNonNull(artifactKey, "artifactKey is null");
    requireNonNull(localPath, "localPath is null");
    requireNonNull(signature, "signature is null");
  }
}
