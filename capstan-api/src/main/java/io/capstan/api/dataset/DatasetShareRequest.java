package io.capstan.api.dataset;

import java.util.List;

/**
 * The projects a dataset is shared with, replacing the previous list (empty: private again).
 *
 * @param projects project names
 */
public record DatasetShareRequest(List<String> projects) {
  public DatasetShareRequest {
    projects = projects == null ? List.of() : List.copyOf(projects);
  }
}
