package io.capstan.api.image;

import java.util.List;

/**
 * A runtime's image map as it is in use: the built-in entries overlaid by the operator's file.
 *
 * @param file where the operator's entries are kept (the file {@code capstan env set} writes)
 * @param problem why the file as it is now cannot be used (the entry and field named), or null;
 *     while it is set, the map last read from the file stays in use
 * @param entries every entry in use, by pattern
 */
public record ImageEnvironmentList(String file, String problem, List<ImageEnvironment> entries) {
  public ImageEnvironmentList {
    entries = entries == null ? List.of() : List.copyOf(entries);
  }
}
