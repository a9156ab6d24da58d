package io.capstan.runtime.kubernetes;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.Resources;
import io.capstan.runtime.ArtifactReader;
import io.capstan.runtime.PortSpec;
import io.capstan.runtime.ReadinessSpec;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a {@link ReplicaLaunch} into the pod that runs it and the objects the pod mounts (decision
 * 87): labels as the Kubeflow Training Operator puts them, the launch's command, args, environment
 * and working directory as written, requests equal to limits, {@code restartPolicy: Never} (the
 * control plane restarts replicas), and a {@code hostname} and {@code subdomain} that give the pod
 * the DNS name {@code <pod>.<service>.<namespace>.svc} through the job's headless Service ({@link
 * ServiceSpecs}).
 */
public final class PodSpecs {
  /** The job's name, as the Training Operator labels its pods. */
  public static final String JOB_NAME_LABEL = "training.kubeflow.org/job-name";

  /** The replica's type in lower case ({@code worker}, {@code master}), as the operator has it. */
  public static final String REPLICA_TYPE_LABEL = "training.kubeflow.org/replica-type";

  /** The replica's index within its type, as the operator has it. */
  public static final String REPLICA_INDEX_LABEL = "training.kubeflow.org/replica-index";

  /** The job's uid: the label the job's Service selects its pods by. */
  public static final String JOB_UID_LABEL = "capstan.io/job-uid";

  /** The replica's name ({@code worker-1}). */
  public static final String REPLICA_LABEL = "capstan.io/replica";

  /** The job's attempt that launched the pod. */
  public static final String ATTEMPT_LABEL = "capstan.io/attempt";

  /** The name of a job volume, on its claim. */
  public static final String VOLUME_LABEL = "capstan.io/volume";

  /** The one container of a replica's pod. */
  public static final String CONTAINER = "replica";

  /** The variable the control plane announces the job's name in (the launch has no other). */
  static final String JOB_NAME_VARIABLE = "CAPSTAN_JOB_NAME";

  private static final Pattern TYPE_AND_INDEX = Pattern.compile("(.+)-(\\d+)");

  private final KubernetesSettings settings;
  private final KubernetesNames names;
  private final ArtifactInitializers artifacts;

  /** Specs whose artifact mounts are refused (no store, no agent image). */
  public PodSpecs(KubernetesSettings settings) {
    this(settings, ArtifactReader.NONE, ArtifactSettings.defaults());
  }

  /** Specs that download artifact mounts from {@code reader}'s store in init containers. */
  public PodSpecs(
      KubernetesSettings settings, ArtifactReader reader, ArtifactSettings artifactSettings) {
    this.settings = requireNonNull(settings, "settings is null");
    this.names = new KubernetesNames(settings.namespacePrefix());
    this.artifacts = new ArtifactInitializers(reader, artifactSettings);
  }

  /** The names this runtime gives its objects. */
  public KubernetesNames names() {
    return names;
  }

  /**
   * The pod of {@code launch} and what it mounts.
   *
   * @throws IllegalArgumentException when the launch mounts a host path, which no pod can have, or
   *     an artifact this runtime cannot download (no agent image, a store of local files, no such
   *     artifact), naming the mount
   */
  public ReplicaObjects objects(ReplicaLaunch launch) {
    ObjectMeta meta =
        new ObjectMetaBuilder()
            .withName(names.pod(launch.id()))
            .withNamespace(names.namespace(launch.tenant()))
            .withLabels(labels(launch))
            .build();
    PodVolumes volumes = PodVolumes.of(launch, settings, names, meta, artifacts);
    SecretEnvironment secretEnv = SecretEnvironment.of(launch, meta);
    Pod pod =
        new PodBuilder()
            .withMetadata(meta)
            .withNewSpec()
            .withHostname(meta.getName())
            .withSubdomain(names.service(launch.id().jobUid()))
            .withRestartPolicy("Never")
            // A replica works on data, not on the cluster: it gets no credentials of its own.
            .withAutomountServiceAccountToken(false)
            .withAffinity(PodPlacement.affinity(launch.node()))
            .withInitContainers(volumes.initContainers())
            .withContainers(container(launch, volumes, secretEnv))
            .withVolumes(volumes.volumes())
            .endSpec()
            .build();
    List<Secret> secrets = new ArrayList<>(volumes.secrets());
    secretEnv.secret().ifPresent(secrets::add);
    return new ReplicaObjects(pod, secrets, volumes.files(), volumes.claims());
  }

  /** The labels of the replica's pod and of the objects made for it. */
  Map<String, String> labels(ReplicaLaunch launch) {
    ReplicaId id = launch.id();
    Matcher typed = TYPE_AND_INDEX.matcher(id.replica());
    boolean indexed = typed.matches();
    Map<String, String> labels = new LinkedHashMap<>();
    String jobName = launch.env().getOrDefault(JOB_NAME_VARIABLE, id.jobUid());
    labels.put(JOB_NAME_LABEL, KubernetesNames.labelValue(jobName));
    labels.put(REPLICA_TYPE_LABEL, indexed ? typed.group(1) : id.replica());
    labels.put(REPLICA_INDEX_LABEL, indexed ? typed.group(2).replaceFirst("^0+(?=\\d)", "") : "0");
    labels.put(JOB_UID_LABEL, KubernetesNames.labelValue(id.jobUid()));
    labels.put(REPLICA_LABEL, KubernetesNames.labelValue(id.replica()));
    labels.put(ATTEMPT_LABEL, Integer.toString(launch.attempt()));
    return labels;
  }

  private Container container(
      ReplicaLaunch launch, PodVolumes volumes, SecretEnvironment secretEnv) {
    ContainerBuilder container =
        new ContainerBuilder()
            .withName(CONTAINER)
            .withImage(launch.image())
            .withArgs(launch.args().isEmpty() ? null : launch.args())
            .withWorkingDir(launch.workingDir())
            .withEnv(secretEnv.apply(environment(launch)))
            .withResources(resources(launch.resources()))
            .withPorts(ports(launch.ports()))
            .withVolumeMounts(volumes.mounts())
            .withReadinessProbe(probe(launch.readiness()));
    if (!launch.command().isEmpty()) {
      container.withCommand(launch.command());
    }
    return container.build();
  }

  /**
   * The launch's variables; where it gets metric files, the two that name them right after the
   * ports' (its own values of those two left out, as {@link io.capstan.runtime.MetricFiles} says),
   * and its own {@code PYTHONPATH}, if any, with the helper's folder after it.
   */
  private static List<EnvVar> environment(ReplicaLaunch launch) {
    List<EnvVar> env = ContainerEnvironment.of(launch);
    if (!KubernetesMetricFiles.offeredTo(launch)) {
      return env;
    }
    Map<String, String> metrics = new TreeMap<>(KubernetesMetricFiles.environment());
    Optional<String> pythonPath = KubernetesMetricFiles.pythonPath(launch);
    int ports = launch.ports().size();
    List<EnvVar> result = new ArrayList<>(env.subList(0, ports));
    metrics.forEach((name, value) -> result.add(new EnvVar(name, value, null)));
    for (EnvVar variable : env.subList(ports, env.size())) {
      if (variable.getName().equals("PYTHONPATH") && pythonPath.isPresent()) {
        result.add(new EnvVar(variable.getName(), pythonPath.get(), null));
      } else if (!metrics.containsKey(variable.getName())) {
        result.add(variable);
      }
    }
    return result;
  }

  private ResourceRequirements resources(Resources resources) {
    Map<String, Quantity> amounts = new LinkedHashMap<>();
    if (resources.cpuMillis() > 0) {
      amounts.put("cpu", new Quantity(resources.cpuMillis() + "m"));
    }
    if (resources.memoryBytes() > 0) {
      amounts.put("memory", new Quantity(Long.toString(resources.memoryBytes())));
    }
    Map<String, Quantity> limits = new LinkedHashMap<>(amounts);
    if (resources.gpus() > 0) {
      // An extended resource is requested by its limit; Kubernetes sets the request to match.
      limits.put(settings.gpuResource(), new Quantity(Integer.toString(resources.gpus())));
    }
    return new ResourceRequirementsBuilder().withRequests(amounts).withLimits(limits).build();
  }

  private static List<ContainerPort> ports(List<PortSpec> ports) {
    return ports.stream()
        .map(
            port ->
                new ContainerPortBuilder()
                    .withName(port.name())
                    .withContainerPort(port.containerPort())
                    .withProtocol("TCP")
                    .build())
        .toList();
  }

  private static Probe probe(ReadinessSpec readiness) {
    if (readiness == null) {
      return null;
    }
    List<HTTPHeader> headers =
        readiness.headers().entrySet().stream()
            .map(header -> new HTTPHeader(header.getKey(), header.getValue()))
            .toList();
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPort(new IntOrString(readiness.port()))
        .withPath(readiness.path())
        .withHttpHeaders(headers)
        .endHttpGet()
        .withPeriodSeconds(seconds(readiness.period()))
        .withTimeoutSeconds(seconds(readiness.timeout()))
        .build();
  }

  /** Whole seconds, rounded up, at least 1: the finest a probe has. */
  private static int seconds(Duration duration) {
    long millis = duration.toMillis();
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (millis + 999) / 1000));
  }
}
