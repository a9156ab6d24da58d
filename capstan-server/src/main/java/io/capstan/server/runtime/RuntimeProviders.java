package io.capstan.server.runtime;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.WorkloadRuntimeProvider;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The runtime kinds on the class path, found by {@link ServiceLoader}, each once. */
final class RuntimeProviders {
  private final Map<String, WorkloadRuntimeProvider> byKind;

  RuntimeProviders(List<WorkloadRuntimeProvider> providers) {
    Map<String, List<WorkloadRuntimeProvider>> grouped =
        requireNonNull(providers, "providers is null").stream()
            .collect(
                Collectors.groupingBy(
                    WorkloadRuntimeProvider::kind, TreeMap::new, Collectors.toList()));
    grouped.forEach(
        (kind, same) -> {
          if (same.size() > 1) {
            throw new IllegalStateException(
                "Expected one runtime provider of kind '"
                    + kind
                    + "' on the class path, but found "
                    + same.size()
                    + ": "
                    + same.stream().map(p -> p.getClass().getName()).toList());
          }
        });
    this.byKind = new TreeMap<>();
    grouped.forEach((kind, same) -> byKind.put(kind, same.get(0)));
  }

  /** The providers {@code loader} can see. */
  static RuntimeProviders load(ClassLoader loader) {
    return new RuntimeProviders(
        ServiceLoader.load(WorkloadRuntimeProvider.class, loader).stream()
            .map(ServiceLoader.Provider::get)
            .toList());
  }

  /** The provider of {@code kind}, or an error that names the setting and the kinds there are. */
  WorkloadRuntimeProvider provider(String kind) {
    WorkloadRuntimeProvider provider = byKind.get(kind);
    if (provider == null) {
      throw new IllegalArgumentException(
          "Expected capstan.runtime.kind to be one of the runtimes on the class path ("
              + (byKind.isEmpty() ? "none" : String.join(", ", byKind.keySet()))
              + "), but was '"
              + kind
              + "'");
    }
    return provider;
  }
}
