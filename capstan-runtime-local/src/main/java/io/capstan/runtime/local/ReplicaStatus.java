package io.capstan.runtime.local;

import static io.capstan.runtime.local.ReplicaDirectory.CGROUPS;
import static io.capstan.runtime.local.ReplicaDirectory.EXIT_CODE;
import static io.capstan.runtime.local.ReplicaDirectory.FAILURE;
import static io.capstan.runtime.local.ReplicaDirectory.KILLED;
import static io.capstan.runtime.local.ReplicaDirectory.PID;
import static io.capstan.runtime.local.ReplicaDirectory.PID_START_TIME;

import io.capstan.runtime.Endpoint;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.ReplicaPhase;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Reads a replica's phase from its state directory and the process table alone, so that a restarted
 * control plane sees what the previous one started.
 */
final class ReplicaStatus {
  /** Where the control plane reaches a local replica's ports: the host's loopback. */
  static final String LOOPBACK = "127.0.0.1";

  private ReplicaStatus() {}

  /** The supervisor's pid when it still runs (same pid and start time, not a zombie). */
  static OptionalLong runningPid(ReplicaDirectory dir) {
    Optional<Long> pid = dir.readLong(PID);
    Optional<Long> startTime = dir.readLong(PID_START_TIME);
    if (pid.isPresent()
        && startTime.isPresent()
        && ProcStat.isRunning(pid.get(), startTime.get())) {
      return OptionalLong.of(pid.get());
    }
    return OptionalLong.empty();
  }

  /**
   * The replica as it is now: its phase from the process table and its state directory, the
   * endpoint of each declared port, and, while it runs, whether {@code prober}'s last probe passed
   * (a replica without a probe is ready while it runs).
   */
  static ReplicaObservation observe(ReplicaDirectory dir, ReadinessProber prober) {
    Optional<LaunchRecord> record = dir.launchRecord();
    ReplicaObservation seen = phaseOf(dir, record);
    Map<String, Endpoint> endpoints = new TreeMap<>();
    record.ifPresent(
        r ->
            r.hostPorts()
                .forEach((name, port) -> endpoints.put(name, new Endpoint(LOOPBACK, port))));
    boolean ready =
        seen.phase() == ReplicaPhase.RUNNING
            && (record.map(r -> !r.probed()).orElse(true)
                || prober.ready(dir.id(), seen.attempt()));
    return new ReplicaObservation(
        seen.id(),
        seen.attempt(),
        seen.phase(),
        seen.exitCode(),
        seen.startedAt(),
        seen.finishedAt(),
        seen.message(),
        endpoints,
        ready);
  }

  private static ReplicaObservation phaseOf(ReplicaDirectory dir, Optional<LaunchRecord> record) {
    int attempt = record.map(LaunchRecord::attempt).orElse(0);
    Instant startedAt = record.map(LaunchRecord::startedAt).orElse(null);
    Optional<ReplicaObservation> finished = finished(dir, attempt, startedAt);
    if (finished.isPresent()) {
      return finished.get();
    }
    OptionalLong pid = runningPid(dir);
    if (pid.isPresent()) {
      return new ReplicaObservation(
          dir.id(), attempt, ReplicaPhase.RUNNING, null, startedAt, null, null);
    }
    // The supervisor may have written its exit code and exited since the first look.
    finished = finished(dir, attempt, startedAt);
    if (finished.isPresent()) {
      return finished.get();
    }
    if (dir.has(KILLED)) {
      return new ReplicaObservation(
          dir.id(),
          attempt,
          ReplicaPhase.FAILED,
          137,
          startedAt,
          dir.modifiedAt(KILLED).orElse(null),
          Signals.describeExit(137) + " after its grace period ran out");
    }
    String message =
        dir.readLong(PID)
            .map(
                p ->
                    "Expected the supervisor (pid "
                        + p
                        + ") to record an exit code, but it is gone without one")
            .orElse("Expected a recorded pid, but the launch did not complete");
    return new ReplicaObservation(
        dir.id(), attempt, ReplicaPhase.LOST, null, startedAt, null, message);
  }

  private static Optional<ReplicaObservation> finished(
      ReplicaDirectory dir, int attempt, Instant startedAt) {
    Optional<Long> exitCode = dir.readLong(EXIT_CODE);
    if (exitCode.isEmpty()) {
      return Optional.empty();
    }
    int code = exitCode.get().intValue();
    String message =
        dir.readString(FAILURE).map(String::trim).orElseGet(() -> Signals.describeExit(code));
    if (code == 137 && dir.has(CGROUPS) && Cgroups.oomKilled(dir.cgroups())) {
      message += ": out of memory (the replica exceeded its memory limit)";
    }
    return Optional.of(
        new ReplicaObservation(
            dir.id(),
            attempt,
            code == 0 ? ReplicaPhase.SUCCEEDED : ReplicaPhase.FAILED,
            code,
            startedAt,
            dir.modifiedAt(EXIT_CODE).orElse(null),
            code == 0 ? null : message));
  }
}
