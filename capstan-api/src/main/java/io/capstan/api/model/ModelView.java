package io.capstan.api.model;

import java.time.Instant;
import java.util.Map;

/**
 * A registered model: a name in a project with numbered versions.
 *
 * @param name the model's name
 * @param project the owning project
 * @param createdAt when its first version was registered
 * @param latestVersion the newest existing version, or null when every version was deleted
 * @param versions how many versions exist
 * @param aliases each alias and the version it points at
 */
public record ModelView(
    String name,
    String project,
    Instant createdAt,
    Integer latestVersion,
    int versions,
    Map<String, Integer> aliases) {
  public ModelView {
    aliases = aliases == null ? Map.of() : Map.copyOf(aliases);
  }
}
