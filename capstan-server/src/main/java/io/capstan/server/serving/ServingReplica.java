package io.capstan.server.serving;

import io.capstan.server.job.JobRecord;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the workload of a serving replica records besides its spec: the model version it serves and
 * the artifact it reads (stored as the workload's kind data, JSON).
 *
 * @param modelName the name the replica serves the model under
 * @param modelVersion the registry version
 * @param modelArtifact the model file's key in the artifact store
 */
record ServingReplica(String modelName, int modelVersion, String modelArtifact) {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Where a replica stored by an earlier version had its model file: under the local store. */
  private static final String LEGACY_STORE_FOLDER = "/artifacts/";

  /** The facts of the serving replica {@code job}. */
  static ServingReplica of(JobRecord job) {
    if (!ServingReplicaKind.NAME.equals(job.kind()) || job.kindData() == null) {
      throw new IllegalArgumentException(
          "Expected a workload of kind "
              + ServingReplicaKind.NAME
              + ", but "
              + job.name()
              + " is of kind "
              + job.kind());
    }
    JsonNode data = JSON.readTree(job.kindData());
    return new ServingReplica(
        data.get("modelName").asString(), data.get("modelVersion").asInt(), artifact(job, data));
  }

  /**
   * The artifact key; a replica stored by an earlier version named the local store's file ({@code
   * modelFile}, {@code <data>/artifacts/<key>}), whose key is what follows that folder.
   */
  private static String artifact(JobRecord job, JsonNode data) {
    if (data.hasNonNull("modelArtifact")) {
      return data.get("modelArtifact").asString();
    }
    String file = data.hasNonNull("modelFile") ? data.get("modelFile").asString() : "";
    int at = file.lastIndexOf(LEGACY_STORE_FOLDER + "models/");
    if (at < 0) {
      throw new IllegalArgumentException(
          "Expected serving replica "
              + job.name()
              + " to name its model artifact, but its kind data has neither modelArtifact nor a"
              + " modelFile under the artifact store: "
              + job.kindData());
    }
    return file.substring(at + LEGACY_STORE_FOLDER.length());
  }

  String toJson() {
    return JSON.writeValueAsString(this);
  }
}
