package io.capstan.runtime.testing;

import io.capstan.runtime.ProjectVolumes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Project volumes kept as names: a volume exists once a launch mounted it, holds nothing, and is
 * gone when deleted.
 */
final class InMemoryProjectVolumes implements ProjectVolumes {
  private final Map<String, TreeSet<String>> claims = new TreeMap<>();

  synchronized void create(String project, String claim) {
    claims.computeIfAbsent(project, p -> new TreeSet<>()).add(claim);
  }

  @Override
  public synchronized List<Usage> list(String project) {
    List<Usage> usages = new ArrayList<>();
    claims.getOrDefault(project, new TreeSet<>()).forEach(c -> usages.add(new Usage(c, 0, 0)));
    return usages;
  }

  @Override
  public synchronized boolean delete(String project, String claim) {
    TreeSet<String> names = claims.get(project);
    return names != null && names.remove(claim);
  }
}
