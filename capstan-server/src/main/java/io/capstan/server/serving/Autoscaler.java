package io.capstan.server.serving;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Chooses a service's replica count from the requests in flight, like Kubernetes' horizontal pod
 * autoscaler: {@code ceil(inFlight / target)} between min and max; up at once, down only to the
 * highest recommendation within the stabilization window, so a short lull does not stop replicas
 * that are needed again a moment later.
 */
final class Autoscaler {
  private final Duration window;
  private final Map<String, Deque<Sample>> history = new HashMap<>();

  Autoscaler(Duration window) {
    this.window = window;
  }

  /** The replicas wanted now; call once per controller pass and service. */
  int desired(
      String serviceUid, int current, int inFlight, int target, int min, int max, Instant now) {
    int recommended = clamp((inFlight + target - 1) / target, min, max);
    Deque<Sample> samples = history.computeIfAbsent(serviceUid, uid -> new ArrayDeque<>());
    samples.addLast(new Sample(now, recommended));
    while (!samples.isEmpty() && samples.peekFirst().at().isBefore(now.minus(window))) {
      samples.removeFirst();
    }
    if (recommended >= current) {
      return clamp(recommended, min, max);
    }
    int highest = recommended;
    for (Sample sample : samples) {
      highest = Math.max(highest, sample.replicas());
    }
    return clamp(Math.min(current, highest), min, max);
  }

  void forget(String serviceUid) {
    history.remove(serviceUid);
  }

  private static int clamp(int value, int min, int max) {
    return Math.max(min, Math.min(max, value));
  }

  private record Sample(Instant at, int replicas) {}
}
