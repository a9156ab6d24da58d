package io.capstan.scheduler;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A cycle's pending reasons, handed over without a copy and written out as text only when first
 * read: with 100,000 pending workloads, hashing their ids and writing every text cost a fifth of
 * the cycle. Reading it is safe from any thread; a later reason for the same id wins, as in a map.
 */
final class ReasonMap extends AbstractMap<String, String> {
  private final List<String> ids;
  private final List<PendingReason> reasons;
  private final List<List<PendingWorkload>> deferred;
  private final DeferredReasons rest;
  private Map<String, String> texts;

  /** Takes both lists over, the reason of {@code ids[i]} at {@code reasons[i]}. */
  ReasonMap(List<String> ids, List<PendingReason> reasons) {
    this(ids, reasons, List.of(), null);
  }

  /**
   * As {@link #ReasonMap(List, List)}, with the workloads of {@code deferred} explained by {@code
   * rest} after them.
   */
  ReasonMap(
      List<String> ids,
      List<PendingReason> reasons,
      List<List<PendingWorkload>> deferred,
      DeferredReasons rest) {
    if (ids.size() != reasons.size()) {
      throw new IllegalArgumentException(
          "Expected a reason per id, but got " + ids.size() + " ids and " + reasons.size());
    }
    this.ids = ids;
    this.reasons = reasons;
    this.deferred = deferred;
    this.rest = rest;
  }

  private synchronized Map<String, String> texts() {
    if (texts == null) {
      int size = ids.size();
      for (List<PendingWorkload> workloads : deferred) {
        size += workloads.size();
      }
      Map<String, String> written = new HashMap<>(size * 4 / 3 + 16);
      for (int i = 0; i < ids.size(); i++) {
        written.put(ids.get(i), reasons.get(i).text());
      }
      for (List<PendingWorkload> workloads : deferred) {
        for (PendingWorkload pending : workloads) {
          written.put(pending.workload().id(), rest.text(pending.workload()));
        }
      }
      texts = Collections.unmodifiableMap(written);
    }
    return texts;
  }

  @Override
  public String get(Object key) {
    return texts().get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return texts().containsKey(key);
  }

  @Override
  public int size() {
    return texts().size();
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    return texts().entrySet();
  }
}
