package io.capstan.bench;

import io.capstan.scheduler.Admission;
import io.capstan.scheduler.CycleResult;
import io.capstan.scheduler.Preemption;
import java.util.Map;
import java.util.TreeMap;

/**
 * A hash of every decision of a run (admissions with their placements, preemptions, pending
 * reasons), printed so that a change meant to make the scheduler faster can show that it decides
 * exactly as before.
 */
final class DecisionDigest {
  private long hash = 17;

  void add(CycleResult result) {
    for (Admission admission : result.admitted()) {
      mix(admission.toString());
    }
    for (Preemption preemption : result.preemptions()) {
      mix(preemption.toString());
    }
    for (Map.Entry<String, String> reason : new TreeMap<>(result.pendingReasons()).entrySet()) {
      mix(reason.getKey());
      mix(reason.getValue());
    }
  }

  private void mix(String text) {
    hash = hash * 1_000_003 + text.hashCode();
  }

  @Override
  public String toString() {
    return String.format("%016x", hash);
  }
}
