package io.capstan.runtime.kubernetes;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.ReplicaId;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Capstan's pods and the cluster's nodes as the runtime knows them, kept current by two shared
 * informers (one list, then one watch each): observing replicas reads this cache and sends nothing
 * to the API server. Pods are those with the {@code capstan.io/job-uid} label, in any namespace,
 * indexed by job and by replica.
 *
 * <p>A pod that is deleted leaves its last state behind (its tombstone: a terminated replica's exit
 * code outlives its pod, as the contract needs) until the runtime forgets it; pods the runtime
 * deletes itself on release or relaunch are forgotten at once, by uid, so they neither show while
 * their deletion travels nor leave a tombstone.
 */
final class ClusterWatch implements AutoCloseable {
  private static final String BY_JOB = "capstan-job";
  private static final String BY_REPLICA = "capstan-replica";

  private final SharedIndexInformer<Pod> pods;
  private final SharedIndexInformer<Node> nodes;
  private final Map<String, Pod> tombstones = new ConcurrentHashMap<>();
  private final Set<String> forgotten = ConcurrentHashMap.newKeySet();
  private final Map<String, CompletableFuture<Void>> deletions = new ConcurrentHashMap<>();

  /** Pods the runtime created that the informer has not shown yet, by replica key. */
  private final Map<String, Pod> created = new ConcurrentHashMap<>();

  private ClusterWatch(KubernetesClient client, BiConsumer<Pod, Boolean> onPod) {
    this.pods =
        client.pods().inAnyNamespace().withLabel(PodSpecs.JOB_UID_LABEL).runnableInformer(0);
    pods.addIndexers(
        Map.of(
            BY_JOB, pod -> List.of(jobKey(pod)),
            BY_REPLICA, pod -> List.of(replicaKey(pod))));
    pods.addEventHandler(new PodHandler(requireNonNull(onPod, "onPod is null")));
    this.nodes = client.nodes().runnableInformer(0);
  }

  /** Starts watching and returns once both caches hold what the API server has. */
  static ClusterWatch start(KubernetesClient client, BiConsumer<Pod, Boolean> onPod) {
    ClusterWatch watch = new ClusterWatch(client, onPod);
    try {
      watch.pods.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
      watch.nodes.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
      return watch;
    } catch (ExecutionException | TimeoutException e) {
      watch.close();
      throw new IllegalStateException(
          "Expected to list and watch pods and nodes of the cluster at "
              + client.getMasterUrl()
              + ", but could not: "
              + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      watch.close();
      throw new IllegalStateException("Interrupted while starting to watch the cluster", e);
    }
  }

  /** The replica's pod, if it exists and the runtime has not forgotten it. */
  Optional<Pod> pod(ReplicaId id) {
    Optional<Pod> watched =
        pods.getIndexer().byIndex(BY_REPLICA, replicaKey(id)).stream()
            .filter(this::remembered)
            .findFirst();
    return watched.isPresent() ? watched : Optional.ofNullable(created.get(replicaKey(id)));
  }

  /** The job's pods. */
  List<Pod> job(String jobUid) {
    String job = KubernetesNames.labelValue(jobUid);
    return withCreated(pods.getIndexer().byIndex(BY_JOB, job), pod -> jobKey(pod).equals(job));
  }

  /** Every pod of Capstan's. */
  List<Pod> all() {
    return withCreated(pods.getStore().list(), pod -> true);
  }

  /**
   * A pod the runtime has just created: shown until the informer shows it, so that a replica is
   * observed as soon as its launch returns.
   */
  void created(Pod pod) {
    created.put(replicaKey(pod), pod);
  }

  private List<Pod> withCreated(List<Pod> watched, Predicate<Pod> wanted) {
    List<Pod> result = new ArrayList<>();
    Set<String> replicas = new HashSet<>();
    for (Pod pod : watched) {
      if (remembered(pod)) {
        result.add(pod);
        replicas.add(replicaKey(pod));
      }
    }
    for (Pod pod : created.values()) {
      if (wanted.test(pod) && remembered(pod) && !replicas.contains(replicaKey(pod))) {
        result.add(pod);
      }
    }
    return result;
  }

  /** The last state of the replica's deleted pod, if the runtime still remembers it. */
  Optional<Pod> tombstone(ReplicaId id) {
    return Optional.ofNullable(tombstones.get(replicaKey(id)));
  }

  /** The last states of the job's deleted pods (of {@code null}: of every job's). */
  List<Pod> tombstones(String jobUid) {
    List<Pod> result = new ArrayList<>();
    for (Pod pod : tombstones.values()) {
      if (jobUid == null || jobKey(pod).equals(KubernetesNames.labelValue(jobUid))) {
        result.add(pod);
      }
    }
    return result;
  }

  /** Forgets a pod the runtime deletes itself: it shows no more, and leaves no tombstone. */
  void forget(Pod pod) {
    forgotten.add(pod.getMetadata().getUid());
    tombstones.remove(replicaKey(pod));
    dropCreated(pod);
  }

  /** Forgets the tombstone of a replica (it is launched again, or released). */
  void forgetTombstone(ReplicaId id) {
    tombstones.remove(replicaKey(id));
  }

  /**
   * Completes once the pod is gone from the cache (deleted in the API server); call before the
   * pod's deletion is requested.
   */
  CompletableFuture<Void> deletion(Pod pod) {
    CompletableFuture<Void> deletion =
        deletions.computeIfAbsent(pod.getMetadata().getUid(), uid -> new CompletableFuture<>());
    String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    Pod cached = pods.getStore().getByKey(key);
    if (cached == null || !cached.getMetadata().getUid().equals(pod.getMetadata().getUid())) {
      deletions.remove(pod.getMetadata().getUid());
      deletion.complete(null);
    }
    return deletion;
  }

  /** The cluster's nodes, as the node informer has them. */
  List<Node> nodes() {
    return nodes.getStore().list();
  }

  /** Tells {@code handler} of every node as it is now and of each change after. */
  void onNodes(io.fabric8.kubernetes.client.informers.ResourceEventHandler<Node> handler) {
    nodes.addEventHandler(handler);
  }

  /** Whether the cluster has a node of that name. */
  boolean hasNode(String name) {
    return nodes.getStore().getByKey(name) != null;
  }

  @Override
  public void close() {
    pods.close();
    nodes.close();
  }

  /** Drops the created pod of {@code pod}'s replica if it is {@code pod} (the same uid). */
  private void dropCreated(Pod pod) {
    created.computeIfPresent(
        replicaKey(pod),
        (key, made) ->
            made.getMetadata().getUid().equals(pod.getMetadata().getUid()) ? null : made);
  }

  private boolean remembered(Pod pod) {
    return !forgotten.contains(pod.getMetadata().getUid());
  }

  private static String jobKey(Pod pod) {
    return pod.getMetadata().getLabels().getOrDefault(PodSpecs.JOB_UID_LABEL, "");
  }

  private static String replicaKey(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return jobKey(pod) + "/" + labels.getOrDefault(PodSpecs.REPLICA_LABEL, "");
  }

  private static String replicaKey(ReplicaId id) {
    return KubernetesNames.labelValue(id.jobUid()) + "/" + KubernetesNames.labelValue(id.replica());
  }

  /** Keeps tombstones and tells the runtime of every pod it sees change. */
  private final class PodHandler implements ResourceEventHandler<Pod> {
    private final BiConsumer<Pod, Boolean> onPod;

    PodHandler(BiConsumer<Pod, Boolean> onPod) {
      this.onPod = onPod;
    }

    @Override
    public void onAdd(Pod pod) {
      dropCreated(pod);
      onPod.accept(pod, false);
    }

    @Override
    public void onUpdate(Pod oldPod, Pod newPod) {
      onPod.accept(newPod, false);
    }

    @Override
    public void onDelete(Pod pod, boolean finalStateUnknown) {
      dropCreated(pod);
      if (!forgotten.remove(pod.getMetadata().getUid())) {
        tombstones.put(replicaKey(pod), pod);
      }
      CompletableFuture<Void> deletion = deletions.remove(pod.getMetadata().getUid());
      if (deletion != null) {
        deletion.complete(null);
      }
      onPod.accept(pod, true);
    }
  }
}
