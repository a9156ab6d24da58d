package io.capstan.api.dataset;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * An immutable version of a dataset.
 *
 * @param project the dataset's project
 * @param dataset the dataset's name
 * @param version its number, from 1, never reused
 * @param files how many files it holds
 * @param sizeBytes the sum of their sizes
 * @param sha256 the SHA-256 of its manifest (a line {@code SHA256<TAB>SIZE<TAB>PATH} per file, in
 *     path order): equal checksums mean equal contents
 * @param description free text, or null
 * @param lineage where its files came from
 * @param createdAt when it was stored
 * @param usedBy the unfinished jobs that mount it, as {@code project/job}, sorted
 */
public record DatasetVersionView(
    String project,
    String dataset,
    int version,
    long files,
    long sizeBytes,
    String sha256,
    String description,
    DatasetLineage lineage,
    Instant createdAt,
    List<String> usedBy) {
  public DatasetVersionView {
    requireNonNull(project, "project is null");
    requireNonNull(dataset, "dataset is null");
    requireNonNull(sha256, "sha256 is null");
    requireNonNull(lineage, "lineage is null");
    usedBy = usedBy == null ? List.of() : List.copyOf(usedBy);
  }
}
