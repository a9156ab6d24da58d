package io.capstan.serving.model;

import io.capstan.serving.ServingException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** The model versions this replica serves, found by name and optional version. */
public final class ModelRegistry implements AutoCloseable {
  private final Map<String, NavigableMap<Long, ServedModel>> models;

  public ModelRegistry(List<ServedModel> loaded) {
    Map<String, NavigableMap<Long, ServedModel>> byName = new TreeMap<>();
    for (ServedModel model : loaded) {
      ServedModel clash =
          byName.computeIfAbsent(model.name(), name -> new TreeMap<>()).put(model.version(), model);
      if (clash != null) {
        throw new IllegalArgumentException(
            "model '" + model.name() + "' version " + model.version() + " is given twice");
      }
    }
    byName.replaceAll((name, versions) -> Collections.unmodifiableNavigableMap(versions));
    this.models = Collections.unmodifiableMap(byName);
  }

  /**
   * The model {@code name} at {@code version}, or its highest version when {@code version} is null
   * or empty; a 404 naming what is missing otherwise.
   */
  public ServedModel resolve(String name, String version) {
    NavigableMap<Long, ServedModel> versions = models.get(name);
    if (versions == null) {
      throw ServingException.notFound("unknown model '" + name + "'");
    }
    if (version == null || version.isEmpty()) {
      return versions.lastEntry().getValue();
    }
    ServedModel model = null;
    try {
      model = versions.get(Long.parseLong(version));
    } catch (NumberFormatException e) {
      // not a number: no such version, answered below
    }
    if (model == null) {
      throw ServingException.notFound(
          "unknown version '" + version + "' of model '" + name + "'; it has " + versions.keySet());
    }
    return model;
  }

  /** Every version of {@code name}, lowest first. */
  public List<Long> versions(String name) {
    NavigableMap<Long, ServedModel> versions = models.get(name);
    return versions == null ? List.of() : List.copyOf(versions.keySet());
  }

  public List<ServedModel> all() {
    List<ServedModel> all = new ArrayList<>();
    models.values().forEach(versions -> all.addAll(versions.values()));
    return all;
  }

  @Override
  public void close() {
    all().forEach(ServedModel::close);
  }
}
