package io.capstan.scheduler;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A cycle's pending reasons, handed over without a copy: the cycle that filled the map keeps no
 * reference to it, and this view cannot change it. With 100,000 pending workloads a copy costs as
 * much as a tenth of the cycle.
 */
final class ReasonMap extends AbstractMap<String, String> {
  private final Map<String, String> reasons;

  /** Takes {@code reasons} over: the caller must not keep or change it. */
  ReasonMap(HashMap<String, String> reasons) {
    this.reasons = reasons;
  }

  @Override
  public String get(Object key) {
    return reasons.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return reasons.containsKey(key);
  }

  @Override
  public int size() {
    return reasons.size();
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    return Collections.unmodifiableMap(reasons).entrySet();
  }
}
