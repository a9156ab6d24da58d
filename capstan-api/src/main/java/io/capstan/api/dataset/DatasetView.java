package io.capstan.api.dataset;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * A dataset: a name in its project, numbered immutable versions, and the projects it is shared
 * with.
 *
 * @param project the project that owns it
 * @param name its name, unique in the project
 * @param createdAt when its first version was uploaded
 * @param createdBy who uploaded it
 * @param latestVersion the newest version's number, or null when every version was deleted
 * @param versions how many versions it has
 * @param sharedWith the other projects whose members may read and mount it, sorted
 */
public record DatasetView(
    String project,
    String name,
    Instant createdAt,
    String createdBy,
    Integer latestVersion,
    int versions,
    List<String> sharedWith) {
  public DatasetView {
    requireNonNull(project, "project is null");
    requireNonNull(name, "name is null");
    sharedWith = sharedWith == null ? List.of() : List.copyOf(sharedWith);
  }
}
