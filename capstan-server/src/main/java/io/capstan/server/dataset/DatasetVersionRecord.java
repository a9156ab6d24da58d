package io.capstan.server.dataset;

import static java.util.Objects.requireNonNull;

import io.capstan.api.dataset.DatasetLineage;
import java.time.Instant;

/** A dataset version's row. */
record DatasetVersionRecord(
    String project,
    String dataset,
    int version,
    long files,
    long sizeBytes,
    String sha256,
    String description,
    DatasetLineage lineage,
    Instant createdAt) {
  DatasetVersionRecord {
    requireNonNull(project, "project is null");
    requireNonNull(dataset, "dataset is null");
    requireNonNull(sha256, "sha256 is null");
    requireNonNull(lineage, "lineage is null");
    requireNonNull(createdAt, "createdAt is null");
  }
}
