package io.capstan.runtime.kubernetes;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.LogChunk;
import io.capstan.runtime.LogSource;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaObservation;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The replicas' logs (decision 89): each container's log is copied into a {@link LogStore} on the
 * control plane's disk while it runs ({@link PodLogCopy}), started when the pod informer shows the
 * container started, and read from there, so a log outlives its pod (deleted, evicted, its node
 * gone) until the job is released; the control plane's log archive ships from it as from the local
 * runtime's files.
 */
final class KubernetesLogs implements LogSource, AutoCloseable {
  private final KubernetesClient client;
  private final LogStore store;
  private final Duration retry;
  private final ScheduledExecutorService timer;
  private final Map<String, PodLogCopy> copies = new ConcurrentHashMap<>();

  /** The attempts launched by this control plane, whose copies start with their marker alone. */
  private final Set<String> launchedHere = ConcurrentHashMap.newKeySet();

  KubernetesLogs(KubernetesClient client, Path dir, Duration retry) {
    this.client = requireNonNull(client, "client is null");
    this.store = new LogStore(dir);
    this.retry = requireNonNull(retry, "retry is null");
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "capstan-kubernetes-logs");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** A replica's attempt is launched: its log starts with its marker. */
  void launched(ReplicaId id, int attempt, Instant at) {
    store.start(id, attempt, at);
    launchedHere.add(id.key() + "#" + attempt);
  }

  /** The pod informer saw a pod of Capstan's change, or be deleted. */
  void seen(Pod pod, boolean deleted) {
    Optional<ReplicaObservation> observed = PodObservations.observe(pod);
    if (observed.isEmpty()) {
      return;
    }
    ReplicaId id = observed.get().id();
    int attempt = observed.get().attempt();
    String key = id.key() + "#" + attempt;
    if (deleted) {
      PodLogCopy copy = copies.remove(key);
      if (copy != null) {
        copy.podDeleted();
      } else if (store.has(id, attempt)) {
        store.complete(id, attempt); // never started: there is no more to copy
      }
      return;
    }
    ContainerStatus status = container(pod);
    if (status == null || status.getState() == null || status.getState().getWaiting() != null) {
      return;
    }
    if (store.isComplete(id, attempt)) {
      return;
    }
    Instant resumeAfter = null;
    if (!store.has(id, attempt)) {
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        return; // going away: released (its logs deleted) or replaced, seen late; not adopted
      }
      // A pod this control plane did not launch (launched before a restart): adopt its log,
      // unless it is an older attempt's, seen after the next attempt was launched.
      store.start(id, attempt, Instant.parse(pod.getMetadata().getCreationTimestamp()));
      if (!store.has(id, attempt)) {
        return;
      }
    } else if (!launchedHere.contains(key)) {
      resumeAfter = store.lastChanged(id, attempt);
    }
    Instant resume = resumeAfter;
    boolean terminated = status.getState().getTerminated() != null;
    PodLogCopy copy =
        copies.computeIfAbsent(
            key,
            k ->
                new PodLogCopy(
                    client,
                    store,
                    timer,
                    retry,
                    id,
                    attempt,
                    pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName(),
                    resume));
    copy.seen(terminated);
    if (copy.isDone()) {
      copies.remove(key, copy);
    }
  }

  /** Whether the attempt's log is being copied and not complete yet. */
  boolean copying(ReplicaId id, int attempt) {
    return store.has(id, attempt) && !store.isComplete(id, attempt);
  }

  /** Stops copying the job's logs and deletes them. */
  void release(String jobUid) {
    copies
        .entrySet()
        .removeIf(
            entry -> {
              boolean ofJob = entry.getKey().startsWith(jobUid + ".");
              if (ofJob) {
                entry.getValue().stop();
              }
              return ofJob;
            });
    launchedHere.removeIf(key -> key.startsWith(jobUid + "."));
    store.delete(jobUid);
  }

  @Override
  public Optional<LogChunk> read(ReplicaId id, int attempt, long offset, int maxBytes) {
    return store.read(id, attempt, offset, maxBytes);
  }

  @Override
  public void close() {
    copies.values().forEach(PodLogCopy::stop);
    timer.shutdownNow();
  }

  private static ContainerStatus container(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
    return statuses.stream()
        .filter(s -> PodSpecs.CONTAINER.equals(s.getName()))
        .findFirst()
        .orElse(null);
  }
}
