package io.capstan.runtime.kubernetes;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.ArtifactReader;
import io.capstan.runtime.CapacityRequests;
import io.capstan.runtime.Endpoint;
import io.capstan.runtime.JobVolumes;
import io.capstan.runtime.LogSource;
import io.capstan.runtime.MetricFiles;
import io.capstan.runtime.Node;
import io.capstan.runtime.ProjectVolumes;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.ReplicaPhase;
import io.capstan.runtime.RuntimeCapabilities;
import io.capstan.runtime.WorkloadRuntime;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs replicas as pods of a Kubernetes cluster (decisions 87 to 90): a launch creates the pod and
 * what it mounts ({@link JobObjects}), pinned to the node Capstan's scheduler chose ({@link
 * PodPlacement}); terminate deletes the pod with its grace period; observations and nodes come from
 * shared informers ({@link ClusterWatch}) and send nothing to the API server; logs are copied to
 * the control plane's disk while the containers run ({@link KubernetesLogs}); a job volume's claim
 * is read through a reader pod that mounts it ({@link VolumeReaders}).
 *
 * <p>A replica whose pod is gone keeps its last state until it is launched again or released: a
 * terminated replica is {@code FAILED} with the exit code its container had, one whose pod someone
 * else deleted before it finished is {@code LOST}, as is one on a node that left the cluster.
 */
public final class KubernetesRuntime implements WorkloadRuntime {
  /** How long a finished replica is shown running while the rest of its log is copied. */
  private static final Duration LOG_CATCH_UP = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final KubernetesRuntimeConfig config;
  private final Clock clock;
  private final PodSpecs specs;
  private final JobObjects objects;
  private final KubernetesNodes nodes;
  private final KubernetesLogs logs;
  private final VolumeReaders readers;
  private final KubernetesVolumes volumes;
  private final KubernetesMetricFiles metricFiles;
  private final ClusterWatch watch;
  private final PodReplacement replacement;
  private final NodeReclaims reclaims;
  private final Optional<ProvisioningRequests> provisioning;
  private final Set<ReplicaId> terminated = ConcurrentHashMap.newKeySet();

  /**
   * A runtime on {@code client}'s cluster without an artifact store; it closes the client when it
   * is closed.
   */
  public KubernetesRuntime(KubernetesClient client, KubernetesRuntimeConfig config, Clock clock) {
    this(client, config, ArtifactReader.NONE, clock);
  }

  /**
   * A runtime on {@code client}'s cluster whose pods download artifact mounts from {@code
   * artifacts}' store; it closes the client when it is closed.
   */
  public KubernetesRuntime(
      KubernetesClient client,
      KubernetesRuntimeConfig config,
      ArtifactReader artifacts,
      Clock clock) {
    this.client = requireNonNull(client, "client is null");
    this.config = requireNonNull(config, "config is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.specs = new PodSpecs(config.settings(), artifacts, config.artifacts());
    this.objects = new JobObjects(client, specs, config.settings());
    this.nodes = new KubernetesNodes(config.settings(), config.growth());
    this.logs = new KubernetesLogs(client, config.logDir().resolve("logs"), config.logRetry());
    this.readers = new VolumeReaders(client, config.volumeReaderImage(), config.volumeReaderIdle());
    this.volumes = new KubernetesVolumes(client, specs.names(), objects::forgetClaims, readers);
    this.metricFiles =
        new KubernetesMetricFiles(
            this::watchedPod,
            (namespace, name) ->
                client.persistentVolumeClaims().inNamespace(namespace).withName(name).get(),
            readers);
    this.reclaims = new NodeReclaims(nodes, clock);
    try {
      this.watch = ClusterWatch.start(client, this::podChanged);
      watch.onNodes(reclaims);
    } catch (RuntimeException e) {
      logs.close();
      readers.close();
      client.close();
      throw e;
    }
    this.replacement = new PodReplacement(client, watch);
    try {
      this.provisioning =
          ProvisioningRequests.start(
              client, config.settings(), config.growth(), objects::namespace, clock);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public String name() {
    return "kubernetes";
  }

  @Override
  public List<Node> nodes() {
    return nodes.usable(watch.nodes());
  }

  @Override
  public Set<String> reclaimedNodes() {
    return reclaims.reclaimed();
  }

  @Override
  public Optional<CapacityRequests> capacityRequests() {
    return provisioning.map(requests -> requests);
  }

  @Override
  public RuntimeCapabilities capabilities() {
    return new RuntimeCapabilities(
        true,
        true,
        List.of(
            "Kubernetes: cpu and memory requested at their limits, enforced by the kubelet;"
                + " GPUs as "
                + config.settings().gpuResource()));
  }

  @Override
  public List<Endpoint> reserveEndpoints(String jobUid, List<String> replicas) {
    // <pod>.<service> resolves in the pod's own namespace (its search domains), as Kubeflow's
    // operators name their masters; every pod has its own IP, so one port serves them all.
    String service = specs.names().service(jobUid);
    return replicas.stream()
        .map(
            replica ->
                new Endpoint(
                    specs.names().pod(new ReplicaId(jobUid, replica)) + "." + service,
                    config.rendezvousPort()))
        .toList();
  }

  @Override
  public void launch(ReplicaLaunch launch) {
    ReplicaObjects made = specs.objects(launch);
    Optional<Pod> existing = watch.pod(launch.id());
    if (existing.isPresent() && attempt(existing.get()) == launch.attempt()) {
      return;
    }
    existing.ifPresent(replacement::replace);
    watch.forgetTombstone(launch.id());
    terminated.remove(launch.id());
    logs.launched(launch.id(), launch.attempt(), clock.instant());
    Optional<Pod> created = objects.create(launch, made);
    if (created.isEmpty()) {
      // A pod of that name the informer had not shown: made by an earlier call (then it is this
      // one), an older attempt's still going away, or one gone since the conflict.
      Pod found = client.resource(made.pod()).get();
      if (found != null && attempt(found) == launch.attempt()) {
        created = Optional.of(found);
      } else {
        if (found != null) {
          replacement.replace(found);
        }
        created = objects.create(launch, specs.objects(launch));
      }
    }
    watch.created(
        created.orElseThrow(
            () ->
                new IllegalStateException(
                    "Expected to create pod "
                        + made.pod().getMetadata().getName()
                        + " of replica "
                        + launch.id().key()
                        + " once the previous one was gone, but one of that name exists again")));
  }

  @Override
  public void launchAll(List<ReplicaLaunch> launches) {
    RuntimeException first = null;
    for (ReplicaLaunch launch : launches) {
      try {
        launch(launch);
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public void terminate(ReplicaId id, Duration grace) {
    Optional<Pod> pod = watch.pod(id);
    if (pod.isEmpty()) {
      return;
    }
    terminated.add(id);
    client
        .pods()
        .inNamespace(pod.get().getMetadata().getNamespace())
        .withName(pod.get().getMetadata().getName())
        .withGracePeriod(Math.max(0, grace.toSeconds()))
        .delete();
  }

  @Override
  public List<ReplicaObservation> observe(String jobUid) {
    return observations(watch.tombstones(jobUid), watch.job(jobUid));
  }

  @Override
  public List<ReplicaObservation> observeAll() {
    return observations(watch.tombstones(null), watch.all());
  }

  @Override
  public void release(String jobUid) {
    Set<String> namespaces = new TreeSet<>();
    for (Pod pod : watch.job(jobUid)) {
      namespaces.add(pod.getMetadata().getNamespace());
      watch.forget(pod);
    }
    for (Pod pod : watch.tombstones(jobUid)) {
      watch.forgetTombstone(PodObservations.observe(pod).orElseThrow().id());
    }
    objects.serviceOf(jobUid).ifPresent(s -> namespaces.add(s.getMetadata().getNamespace()));
    String uid = KubernetesNames.labelValue(jobUid);
    for (String namespace : namespaces) {
      client.pods().inNamespace(namespace).withLabel(PodSpecs.JOB_UID_LABEL, uid).delete();
      client.secrets().inNamespace(namespace).withLabel(PodSpecs.JOB_UID_LABEL, uid).delete();
      client.configMaps().inNamespace(namespace).withLabel(PodSpecs.JOB_UID_LABEL, uid).delete();
      client.services().inNamespace(namespace).withName(specs.names().service(jobUid)).delete();
    }
    objects.forget(jobUid);
    terminated.removeIf(id -> id.jobUid().equals(jobUid));
    logs.release(jobUid);
  }

  @Override
  public LogSource logs() {
    return logs;
  }

  /**
   * The metric files of replicas that mount a job volume, on a claim of their job's ({@link
   * KubernetesMetricFiles}, decision 129).
   */
  @Override
  public Optional<MetricFiles> metricFiles() {
    return Optional.of(metricFiles);
  }

  @Override
  public JobVolumes volumes() {
    return volumes;
  }

  @Override
  public ProjectVolumes projectVolumes() {
    return volumes;
  }

  @Override
  public void close() {
    try {
      if (provisioning != null) {
        provisioning.ifPresent(ProvisioningRequests::close);
      }
      watch.close();
      logs.close();
      readers.close();
    } finally {
      client.close();
    }
  }

  private void podChanged(Pod pod, boolean deleted) {
    logs.seen(pod, deleted);
  }

  private List<ReplicaObservation> observations(List<Pod> gone, List<Pod> live) {
    Map<ReplicaId, ReplicaObservation> byId = new LinkedHashMap<>();
    for (Pod pod : gone) {
      PodObservations.observe(pod).map(this::afterDeletion).ifPresent(o -> byId.put(o.id(), o));
    }
    for (Pod pod : live) {
      PodObservations.observe(pod).map(o -> onItsNode(pod, o)).ifPresent(o -> byId.put(o.id(), o));
    }
    return new ArrayList<>(byId.values());
  }

  private Optional<Pod> watchedPod(ReplicaId id) {
    return watch.pod(id);
  }

  private ReplicaObservation afterDeletion(ReplicaObservation last) {
    if (last.phase().isFinished()) {
      return last;
    }
    return terminated.contains(last.id())
        ? PodObservations.ended(last, ReplicaPhase.FAILED, "terminated before it finished")
        : PodObservations.ended(
            last, ReplicaPhase.LOST, "its pod was deleted while " + last.phase());
  }

  /**
   * A replica that exited is shown running (not ready) until its log copy has the rest of its
   * output, for at most {@link #LOG_CATCH_UP}: whoever sees it end (the job controller, which
   * archives a job's logs before it releases it) then reads all it wrote, as on the local runtime.
   */
  private ReplicaObservation untilLogCopied(ReplicaObservation observed) {
    if (!observed.phase().isFinished()
        || observed.finishedAt() == null
        || observed.finishedAt().plus(LOG_CATCH_UP).isBefore(clock.instant())
        || !logs.copying(observed.id(), observed.attempt())) {
      return observed;
    }
    return new ReplicaObservation(
        observed.id(),
        observed.attempt(),
        ReplicaPhase.RUNNING,
        null,
        observed.startedAt(),
        null,
        "exited; copying the rest of its log",
        observed.endpoints(),
        false);
  }

  private ReplicaObservation onItsNode(Pod pod, ReplicaObservation observed) {
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    if (node == null || observed.phase().isFinished() || watch.hasNode(node)) {
      return observed;
    }
    return PodObservations.ended(observed, ReplicaPhase.LOST, "node " + node + " left the cluster");
  }

  private static int attempt(Pod pod) {
    return Integer.parseInt(
        pod.getMetadata().getLabels().getOrDefault(PodSpecs.ATTEMPT_LABEL, "0"));
  }
}
