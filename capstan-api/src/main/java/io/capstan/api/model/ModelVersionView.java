package io.capstan.api.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One version of a model as the API returns it.
 *
 * @param model the model's name
 * @param project the owning project
 * @param version the version number, assigned at registration (1, 2, ...; never reused)
 * @param description free text, or null
 * @param artifact its file in the artifact store
 * @param signature inputs and outputs read from the ONNX file
 * @param metrics numeric results (e.g. {@code final_loss})
 * @param tags free-form key-value tags
 * @param aliases the aliases that point at this version, sorted
 * @param lineage who registered it and which job produced it
 * @param createdAt when it was registered
 */
public record ModelVersionView(
    String model,
    String project,
    int version,
    String description,
    ArtifactView artifact,
    ModelSignature signature,
    Map<String, Double> metrics,
    Map<String, String> tags,
    List<String> aliases,
    Lineage lineage,
    Instant createdAt) {
  public ModelVersionView {
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    tags = tags == null ? Map.of() : Map.copyOf(tags);
    aliases = aliases == null ? List.of() : List.copyOf(aliases);
  }
}
