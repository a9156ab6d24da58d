package io.capstan.server.dataset;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/** A dataset's row, with its shares. */
record DatasetRecord(
    String project,
    String name,
    Instant createdAt,
    String createdBy,
    int lastVersion,
    List<String> sharedWith) {
  DatasetRecord {
    requireNonNull(project, "project is null");
    requireNonNull(name, "name is null");
    sharedWith = List.copyOf(sharedWith);
  }
}
