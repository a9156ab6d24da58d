package io.capstan.server.logs;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.LogSource;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaObservation;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves replicas' output from the runtime's {@link LogSource} into the {@link LogArchive}: every
 * live replica's current attempt when its loop calls {@link #shipAll} (every second), a replica at
 * once when a reader asks for its log, and all of a job's replicas when the job controller is about
 * to let the runtime forget them ({@link #drain}).
 */
public final class LogShipper {
  private static final Logger log = LoggerFactory.getLogger(LogShipper.class);

  private final LogArchive archive;
  private final LogSource source;
  private final LiveReplicas live;
  private final BeforeRelease beforeRelease;

  /** Attempts archived completely, by replica key: not read again. */
  private final Map<String, Integer> complete = new ConcurrentHashMap<>();

  public LogShipper(LogArchive archive, LogSource source, LiveReplicas live) {
    this(archive, source, live, BeforeRelease.NONE);
  }

  /**
   * @param beforeRelease told of the replicas {@link #drain} drains, after their logs
   */
  public LogShipper(
      LogArchive archive, LogSource source, LiveReplicas live, BeforeRelease beforeRelease) {
    this.archive = requireNonNull(archive, "archive is null");
    this.source = requireNonNull(source, "source is null");
    this.live = requireNonNull(live, "live is null");
    this.beforeRelease = requireNonNull(beforeRelease, "beforeRelease is null");
  }

  /** Archives what the runtime has of every live replica's current attempt. */
  void shipAll() {
    Set<String> seen = new HashSet<>();
    for (ReplicaObservation replica : live.all()) {
      seen.add(replica.id().key());
      try {
        ship(replica.id(), replica.attempt());
      } catch (RuntimeException e) {
        log.warn("Cannot archive the log of replica {} yet", replica.id().key(), e);
      }
    }
    complete.keySet().retainAll(seen);
    archive.keepPending();
  }

  /** Archives what the runtime has of a replica's current attempt now (a reader waits for it). */
  public void refresh(ReplicaId id) {
    live.of(id).ifPresent(replica -> ship(id, replica.attempt()));
  }

  /**
   * Archives everything the runtime still has of these replicas, whichever attempt each is at, then
   * tells the {@link BeforeRelease} listener: called before the runtime forgets them (a release, a
   * relaunch as a new attempt).
   */
  public void drain(Collection<ReplicaObservation> replicas) {
    for (ReplicaObservation replica : replicas) {
      LogArchive.Shipped shipped;
      do {
        shipped = ship(replica.id(), replica.attempt());
      } while (!shipped.complete() && shipped.bytes() > 0);
    }
    try {
      beforeRelease.draining(replicas);
    } catch (RuntimeException e) {
      // What the listener could not read is lost to it; the release goes on.
      log.warn("Cannot read the last files of replicas {}", replicas, e);
    }
  }

  private LogArchive.Shipped ship(ReplicaId id, int attempt) {
    if (complete.getOrDefault(id.key(), 0) == attempt) {
      return new LogArchive.Shipped(0, true);
    }
    LogArchive.Shipped shipped = archive.ship(id, attempt, source);
    if (shipped.complete()) {
      complete.put(id.key(), attempt);
    }
    return shipped;
  }
}
