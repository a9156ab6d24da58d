package io.capstan.server.job;

import io.capstan.runtime.JobVolumes;
import io.capstan.server.logs.LogArchive;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Deletes jobs, with their logs, their volumes in the runtime and their collected outputs in the
 * artifact store, on request or when their TTL has expired.
 */
final class JobJanitor {
  private static final Duration SWEEP_EVERY = Duration.ofSeconds(5);

  private final JobStore store;
  private final LogArchive logs;
  private final JobVolumes volumes;
  private final JobOutputCollector outputs;
  private final Clock clock;
  private Instant lastSweep = Instant.EPOCH;

  JobJanitor(
      JobStore store,
      LogArchive logs,
      JobVolumes volumes,
      JobOutputCollector outputs,
      Clock clock) {
    this.store = store;
    this.logs = logs;
    this.volumes = volumes;
    this.outputs = outputs;
    this.clock = clock;
  }

  /** Deletes released jobs whose {@code ttlSecondsAfterFinished} has passed. */
  void expire() {
    Instant now = clock.instant();
    if (now.isBefore(lastSweep.plus(SWEEP_EVERY))) {
      return;
    }
    lastSweep = now;
    for (JobRecord job : store.listFinished()) {
      Long ttl = job.spec().ttlSecondsAfterFinished();
      if (ttl != null
          && job.released()
          && job.finishedAt() != null
          && !now.isBefore(job.finishedAt().plusSeconds(ttl))) {
        delete(job);
      }
    }
  }

  /**
   * Files first, the row last: once the job answers 404 its files are gone, and a crash in between
   * leaves a row that the next sweep deletes again.
   */
  void delete(JobRecord job) {
    logs.deleteJob(job.project(), job.uid());
    volumes.delete(job.uid());
    outputs.delete(job.uid());
    store.delete(job.uid());
  }
}
