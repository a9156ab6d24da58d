package io.capstan.server.serving;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which serving replicas receive requests. A replica becomes ready at its first answered probe and
 * stops being ready after {@link #FAILURE_THRESHOLD} unanswered probes in a row (Kubernetes'
 * default {@code failureThreshold}), or at once when its process is gone. One slow probe of a busy
 * replica (the probe times out after 500 ms) must not take the service's only replica out of its
 * routes: every request would then fail instead of waiting a little longer.
 */
final class ReadyReplicas {
  static final int FAILURE_THRESHOLD = 3;

  private final Set<String> ready = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();

  /** Records a probe of a running replica: {@code answered} when it said its model is ready. */
  void probed(String jobUid, boolean answered) {
    if (answered) {
      failures.remove(jobUid);
      ready.add(jobUid);
    } else if (ready.contains(jobUid)
        && failures.merge(jobUid, 1, Integer::sum) >= FAILURE_THRESHOLD) {
      gone(jobUid);
    }
  }

  /** The replica's process is gone or no longer serves: not ready, at once. */
  void gone(String jobUid) {
    ready.remove(jobUid);
    failures.remove(jobUid);
  }

  boolean contains(String jobUid) {
    return ready.contains(jobUid);
  }
}
