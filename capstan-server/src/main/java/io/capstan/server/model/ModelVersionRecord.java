package io.capstan.server.model;

import static java.util.Objects.requireNonNull;

import io.capstan.api.model.Lineage;
import io.capstan.api.model.ModelSignature;
import io.capstan.server.artifact.StoredArtifact;
import java.time.Instant;
import java.util.Map;

/**
 * A model version as stored.
 *
 * @param version its number; 0 in a draft that the store has not numbered yet
 * @param artifact its file in the artifact store
 */
public record ModelVersionRecord(
    String project,
    String model,
    int version,
    String description,
    StoredArtifact artifact,
    ModelSignature signature,
    Map<String, Double> metrics,
    Map<String, String> tags,
    Lineage lineage,
    Instant createdAt) {
  public ModelVersionRecord {
    requireNonNull(project, "project is null");
    requireNonNull(model, "model is null");
    requireNonNull(artifact, "artifact is null");
    requireNonNull(signature, "signature is null");
    metrics = Map.copyOf(requireNonNull(metrics, "metrics is null"));
    tags = Map.copyOf(requireNonNull(tags, "tags is null"));
    requireNonNull(lineage, "lineage is null");
    requireNonNull(createdAt, "createdAt is null");
  }

  ModelVersionRecord numbered(int number) {
    return new ModelVersionRecord(
        project,
        model,
        number,
        description,
        artifact,
        signature,
        metrics,
        tags,
        lineage,
        createdAt);
  }
}
