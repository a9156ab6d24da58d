package io.capstan.server.job;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.job.EnvFromSource;
import io.capstan.api.job.EnvValueFrom;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.Quantities;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A replica's environment as Kubernetes builds a container's: {@code envFrom} first, then the plain
 * {@code env}, then each {@code valueFrom} (fields of the pod, its resources, keys of the project's
 * secrets and config maps). The pod's labels are the template's and those the Training Operator
 * puts on its pods ({@code training.kubeflow.org/replica-index}, ...), or for a batch Job the Job
 * controller's ({@code job-name}, {@code batch.kubernetes.io/job-completion-index}, ...), so a spec
 * that reads them finds them. {@link #check} refuses at submission a reference to a secret or
 * config map that is not there, naming the field.
 */
final class PodEnvironment {
  private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
  private static final Pattern MAP_FIELD =
      Pattern.compile("metadata\\.(labels|annotations)\\['([^']+)'\\]");
  private static final String LOCAL_IP = "127.0.0.1";
  private static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";

  private final ProjectValues values;

  PodEnvironment(ProjectValues values) {
    this.values = requireNonNull(values, "values is null");
  }

  /** What a replica is, for its pod fields. */
  record Pod(
      String jobName, String jobUid, String project, String replica, int index, String node) {}

  /** Refuses references to secrets, config maps or keys that do not exist, naming the field. */
  void check(String project, JobSpec spec) {
    for (ReplicaGroupSpec group : spec.replicaGroups()) {
      Pod pod = new Pod(spec.name(), "", project, group.replicaName(0), 0, "");
      environment(spec, group, pod);
    }
  }

  /** The variables of the replica {@code pod} of {@code group}, before Capstan's own. */
  Map<String, String> environment(JobSpec spec, ReplicaGroupSpec group, Pod pod) {
    String container = SpecPaths.container(spec, group);
    Map<String, String> env = new LinkedHashMap<>();
    for (int i = 0; i < group.pod().envFrom().size(); i++) {
      EnvFromSource source = group.pod().envFrom().get(i);
      String field =
          container + ".envFrom[" + i + "]." + (source.secret() ? "secretRef" : "configMapRef");
      lookup(pod.project(), source.secret(), source.name(), source.optional(), field)
          .ifPresent(
              all ->
                  all.forEach(
                      (key, value) -> {
                        if (ENV_NAME.matcher(source.prefix() + key).matches()) {
                          env.put(source.prefix() + key, value);
                        }
                      }));
    }
    env.putAll(group.env());
    group
        .pod()
        .valueFrom()
        .forEach(
            (name, source) -> {
              String field = container + ".env[" + name + "].valueFrom";
              String value = value(spec, group, pod, source, field);
              if (value != null) {
                env.put(name, value);
              }
            });
    return env;
  }

  private String value(
      JobSpec spec, ReplicaGroupSpec group, Pod pod, EnvValueFrom source, String field) {
    if (source.fieldRef() != null) {
      return fieldValue(spec, group, pod, source.fieldRef());
    }
    if (source.resourceFieldRef() != null) {
      return resourceValue(group, source.resourceFieldRef());
    }
    boolean secret = source.secretKeyRef() != null;
    EnvValueFrom.KeyRef ref = secret ? source.secretKeyRef() : source.configMapKeyRef();
    String refField = field + (secret ? ".secretKeyRef" : ".configMapKeyRef");
    Optional<Map<String, String>> all =
        lookup(pod.project(), secret, ref.name(), ref.optional(), refField + ".name");
    if (all.isEmpty()) {
      return null;
    }
    String value = all.get().get(ref.key());
    if (value == null && !ref.optional()) {
      throw CapstanException.invalidSpec(
          refField + ".key",
          "Expected "
              + (secret ? "secret" : "config map")
              + " '"
              + ref.name()
              + "' to have key '"
              + ref.key()
              + "', but its keys are "
              + all.get().keySet().stream().sorted().toList());
    }
    return value;
  }

  private Optional<Map<String, String>> lookup(
      String project, boolean secret, String name, boolean optional, String field) {
    Optional<Map<String, String>> found =
        secret
            ? values.secret(project, name).map(PodEnvironment::text)
            : values.configMap(project, name);
    if (found.isEmpty() && !optional) {
      throw CapstanException.invalidSpec(
          field,
          "Expected "
              + (secret ? "secret" : "config map")
              + " '"
              + name
              + "' in project '"
              + project
              + "' (named by "
              + field
              + "), but there is none; create it first or mark the reference optional");
    }
    return found;
  }

  private static String fieldValue(
      JobSpec spec, ReplicaGroupSpec group, Pod pod, String fieldPath) {
    Matcher map = MAP_FIELD.matcher(fieldPath);
    if (map.matches()) {
      Map<String, String> entries =
          map.group(1).equals("labels") ? labels(spec, group, pod) : annotations(spec, group, pod);
      return entries.getOrDefault(map.group(2), "");
    }
    return switch (fieldPath) {
      case "metadata.name" -> podName(pod);
      case "metadata.namespace" -> pod.project();
      case "metadata.uid" -> pod.jobUid() + "-" + pod.replica();
      case "spec.nodeName" -> pod.node();
      case "spec.serviceAccountName" -> "default";
      default -> LOCAL_IP; // status.podIP(s), status.hostIP(s): every replica runs here
    };
  }

  /** The pod's name as the Training Operator names it: {@code <job>-<type>-<index>}. */
  static String podName(Pod pod) {
    return pod.jobName() + "-" + pod.replica();
  }

  /**
   * The template's labels and those of the controller that would make the pod on a cluster (which
   * win, as on its pods): the Job controller's for a batch Job, else the Training Operator's.
   */
  static Map<String, String> labels(JobSpec spec, ReplicaGroupSpec group, Pod pod) {
    Map<String, String> labels = new LinkedHashMap<>(group.pod().labels());
    if (spec.sourceKind().equals(BatchJobView.KIND)) {
      labels.put("batch.kubernetes.io/controller-uid", pod.jobUid());
      labels.put("batch.kubernetes.io/job-name", spec.name());
      labels.put("controller-uid", pod.jobUid());
      labels.put("job-name", spec.name());
      labels.put(COMPLETION_INDEX, Integer.toString(pod.index()));
      return labels;
    }
    String type = group.role().replicaType().toLowerCase(Locale.ROOT);
    labels.put("training.kubeflow.org/job-name", spec.name());
    labels.put(
        "training.kubeflow.org/operator-name",
        spec.sourceKind().toLowerCase(Locale.ROOT) + "-controller");
    labels.put("training.kubeflow.org/replica-type", type);
    labels.put("training.kubeflow.org/replica-index", Integer.toString(pod.index()));
    boolean master =
        group.role() == ReplicaRole.MASTER
            || group.role() == ReplicaRole.CHIEF
            || group.role() == ReplicaRole.LAUNCHER;
    if (master) {
      labels.put("training.kubeflow.org/job-role", "master");
    }
    return labels;
  }

  /**
   * The template's annotations and, for a batch Job, the pod's completion index, which the Job
   * controller writes (of Indexed Jobs; Capstan writes it on every Job's replicas).
   */
  private static Map<String, String> annotations(JobSpec spec, ReplicaGroupSpec group, Pod pod) {
    if (!spec.sourceKind().equals(BatchJobView.KIND)) {
      return group.pod().annotations();
    }
    Map<String, String> annotations = new LinkedHashMap<>(group.pod().annotations());
    annotations.put(COMPLETION_INDEX, Integer.toString(pod.index()));
    return annotations;
  }

  /** A request or limit (Capstan has one figure for both), divided and rounded up. */
  private static String resourceValue(ReplicaGroupSpec group, EnvValueFrom.ResourceRef ref) {
    boolean cpu = ref.resource().endsWith(".cpu");
    long amount = cpu ? group.resources().cpuMillis() : group.resources().memoryBytes();
    long divisor = cpu ? Quantities.parseCpu(ref.divisor()) : Quantities.parseMemory(ref.divisor());
    if (cpu) {
      // Both in millicores: a divisor of 1 is 1000m.
      return Long.toString(Math.max(1, ceilDiv(amount, divisor)));
    }
    return Long.toString(ceilDiv(amount, divisor));
  }

  private static long ceilDiv(long amount, long divisor) {
    return -Math.floorDiv(-amount, divisor);
  }

  private static Map<String, String> text(Map<String, byte[]> bytes) {
    Map<String, String> text = new LinkedHashMap<>();
    bytes.forEach((key, value) -> text.put(key, new String(value, StandardCharsets.UTF_8)));
    return text;
  }
}
