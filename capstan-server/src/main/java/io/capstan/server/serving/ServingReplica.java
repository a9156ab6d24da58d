package io.capstan.server.serving;

import io.capstan.server.job.JobRecord;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the workload of a serving replica records besides its spec: the model version it serves and
 * the model file it reads (stored as the workload's kind data, JSON).
 *
 * @param modelName the name the replica serves the model under
 * @param modelVersion the registry version
 * @param modelFile the model file on the machine that runs the replica
 */
record ServingReplica(String modelName, int modelVersion, String modelFile) {
  private static final JsonMapper JSON = JsonMapper.builder().build();

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
    return JSON.readValue(job.kindData(), ServingReplica.class);
  }

  String toJson() {
    return JSON.writeValueAsString(this);
  }
}
