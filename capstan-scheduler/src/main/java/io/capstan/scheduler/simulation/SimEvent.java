package io.capstan.scheduler.simulation;

import java.time.Instant;

/**
 * Something that happens at a simulated instant; ordered by time, then by creation order so that
 * replays are deterministic.
 *
 * @param epoch the run of the job it belongs to; a completion from an earlier run (the job was
 *     preempted since) is stale and ignored
 */
record SimEvent(Instant time, long sequence, Kind kind, String jobId, int epoch)
    implements Comparable<SimEvent> {
  enum Kind {
    ARRIVAL,
    COMPLETION,
    GRACE_END,
    /** A scheduling cycle; stale when an earlier one was scheduled since. */
    CYCLE
  }

  @Override
  public int compareTo(SimEvent other) {
    int byTime = time.compareTo(other.time);
    return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
  }
}
