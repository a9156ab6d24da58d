package io.capstan.jobspec;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.EnvValueFrom;
import io.capstan.api.job.Framework;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.PodDetails;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.RestartPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Kubernetes' {@code batch/v1 Job}, accepted as it is applied to a cluster (Katib's example trial
 * templates are such Jobs): {@code spec.template} is one group of workers, run as any other job's
 * pod template (see {@link ReplicaTemplate}), framework {@code generic}.
 *
 * <p>Replicas: one pod, or {@code completions} pods at once where {@code parallelism} equals it
 * (the job succeeds when every one has, as a Job reaches its completions). A Job that would run its
 * pods one after another ({@code parallelism} below {@code completions}) or as a work queue ({@code
 * parallelism} without {@code completions}) is refused: Capstan starts all of a job's replicas
 * together and needs every one to succeed. {@code completionMode: Indexed} gives each pod {@code
 * JOB_COMPLETION_INDEX} from the annotation {@value #COMPLETION_INDEX}, as the Job controller does.
 *
 * <p>Failures: the pod's {@code restartPolicy} must be {@code Never} or {@code OnFailure}, as for a
 * Job on a cluster; either way a failed pod counts towards {@code backoffLimit} (default {@value
 * #DEFAULT_BACKOFF_LIMIT}, Kubernetes') and the job is started again until it is reached, which is
 * what a Job does with a new pod or a restarted container. {@code activeDeadlineSeconds} and {@code
 * ttlSecondsAfterFinished} are Capstan's own. Priority: Kueue's label {@value
 * TrainJobFormat#KUEUE_PRIORITY_LABEL}, else the pod's {@code priorityClassName}, read as
 * Kubeflow's priorityClass is (see {@link JobPriority#ofClusterClass}).
 *
 * <p>Refused, because ignoring them would change what the job does: {@code podFailurePolicy},
 * {@code successPolicy}, {@code backoffLimitPerIndex} and {@code maxFailedIndexes} (Capstan
 * restarts the whole job on a failure, by {@code backoffLimit} alone), {@code suspend: true}
 * without Kueue's queue label (the job would start at once), another controller in {@code
 * managedBy}, and any field a Job does not have (as the API server's strict validation refuses it).
 * Accepted and ignored, listed in the job's {@code ignoredFields}: {@code selector} and {@code
 * manualSelector} (the job's pods are its own), and the pod template's fields other formats list
 * too.
 */
final class BatchJobFormat implements SpecFormat {
  static final String API_VERSION = "batch/v1";
  static final String KIND = "Job";

  /** Kubernetes' default {@code backoffLimit} of a Job. */
  static final int DEFAULT_BACKOFF_LIMIT = 6;

  static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
  static final String COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX";

  private static final String INDEXED = "Indexed";
  private static final String PRIORITY_CLASS_NAME = "priorityClassName";
  private static final List<String> SPEC_FIELDS =
      List.of(
          "template",
          "parallelism",
          "completions",
          "completionMode",
          "backoffLimit",
          "activeDeadlineSeconds",
          "ttlSecondsAfterFinished",
          "suspend",
          "selector",
          "manualSelector",
          "podReplacementPolicy",
          "managedBy",
          "podFailurePolicy",
          "successPolicy",
          "backoffLimitPerIndex",
          "maxFailedIndexes");
  private static final List<String> WHOLE_JOB_RESTARTS =
      List.of("podFailurePolicy", "successPolicy", "backoffLimitPerIndex", "maxFailedIndexes");
  private static final List<String> MANAGERS =
      List.of("kubernetes.io/job-controller", "kueue.x-k8s.io/multikueue");

  private final RandomGenerator random;

  BatchJobFormat(RandomGenerator random) {
    this.random = requireNonNull(random, "random is null");
  }

  @Override
  public String apiVersion() {
    return API_VERSION;
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public JobSpec parse(Map<String, Object> document) {
    SpecMap root = SpecMap.of(document, FieldPath.ROOT);
    JobMetadata metadata = JobMetadata.read(root, false, random);
    SpecMap spec = root.requiredMap("spec");
    checkFields(spec);
    KueueSuspend.check(spec, metadata.labels());
    spec.optionalOneOf("managedBy", MANAGERS, "");
    spec.optionalOneOf("podReplacementPolicy", List.of("TerminatingOrFailed", "Failed"), "");
    boolean indexed = indexed(spec);
    SpecMap template = spec.requiredMap("template");
    SpecMap podSpec = template.requiredMap("spec");
    ReplicaGroupSpec group =
        ReplicaTemplate.group(
            template, null, ReplicaRole.WORKER, replicas(spec), restartPolicy(podSpec), List.of());
    if (indexed) {
      group = group.withPod(withCompletionIndex(group));
    }
    ReplicaLimits.checkJob(List.of(group), spec.pathOf("template"));
    KubeflowRunPolicy runPolicy = KubeflowRunPolicy.read(spec, DEFAULT_BACKOFF_LIMIT);
    return JobSpec.builder(metadata.name(), Framework.GENERIC, KIND)
        .replicaGroups(List.of(group))
        .backoffLimit(runPolicy.backoffLimit())
        .activeDeadlineSeconds(runPolicy.activeDeadlineSeconds())
        .ttlSecondsAfterFinished(runPolicy.ttlSecondsAfterFinished())
        .labels(metadata.labels())
        .priority(priority(metadata, podSpec))
        .registerModel(DeclaredModelOutput.fromAnnotations(root))
        .datasets(DeclaredDatasets.fromAnnotations(root))
        .ignoredFields(ignored(spec, template))
        .build();
  }

  /** Refuses a field a Job does not have, and those that make a Job fail or succeed otherwise. */
  private static void checkFields(SpecMap spec) {
    spec.rejectUnknownKeys(SPEC_FIELDS);
    for (String key : WHOLE_JOB_RESTARTS) {
      if (spec.has(key)) {
        throw spec.pathOf(key)
            .invalid(
                "Expected no "
                    + spec.pathOf(key)
                    + " (Capstan decides a Job's failure by spec.backoffLimit alone and restarts"
                    + " all of its pods together), but it is set");
      }
    }
  }

  /** Whether completions are indexed; an Indexed Job names its completions, as Kubernetes asks. */
  private static boolean indexed(SpecMap spec) {
    String mode = spec.optionalOneOf("completionMode", List.of("NonIndexed", INDEXED), "");
    if (INDEXED.equals(mode) && !spec.has("completions")) {
      throw spec.pathOf("completions")
          .invalid(
              "Expected spec.completions to be set, as spec.completionMode is Indexed, but it is"
                  + " missing");
    }
    return INDEXED.equals(mode);
  }

  /**
   * The pods of the Job, which Capstan starts together: {@code completions}, when {@code
   * parallelism} lets them all run at once.
   */
  private static int replicas(SpecMap spec) {
    Long parallelism = spec.optionalLong("parallelism", 1, ReplicaLimits.MAX_PER_GROUP);
    Long completions = spec.optionalLong("completions", 1, ReplicaLimits.MAX_PER_GROUP);
    if (completions == null) {
      if (parallelism != null && parallelism > 1) {
        throw spec.pathOf("completions")
            .invalid(
                "Expected spec.completions to be set when spec.parallelism is "
                    + parallelism
                    + ": without it the Job is a work queue that succeeds when any pod does,"
                    + " and Capstan needs every replica of a job to succeed; set spec.completions"
                    + " to "
                    + parallelism
                    + " to run "
                    + parallelism
                    + " pods that must all succeed");
      }
      return 1;
    }
    long running = parallelism == null ? 1 : parallelism;
    if (completions > 1 && running != completions) {
      throw spec.pathOf("parallelism")
          .invalid(
              "Expected spec.parallelism to be "
                  + completions
                  + ", as spec.completions is (Capstan starts all of a job's pods at once), but"
                  + " was "
                  + running
                  + (parallelism == null ? " (the default)" : ""));
    }
    return completions.intValue();
  }

  /** {@code Never} and {@code OnFailure}, as a Job requires; both count failures to the limit. */
  private static RestartPolicy restartPolicy(SpecMap podSpec) {
    String policy = podSpec.optionalString("restartPolicy");
    if (policy == null) {
      throw podSpec
          .pathOf("restartPolicy")
          .invalid(
              "Expected "
                  + podSpec.pathOf("restartPolicy")
                  + " to be Never or OnFailure (a Job's pods may not restart for ever), but it is"
                  + " missing");
    }
    podSpec.optionalOneOf(
        "restartPolicy", List.of("Never", "OnFailure"), " (a Job's pods may not restart for ever)");
    return RestartPolicy.ON_FAILURE;
  }

  /**
   * {@code JOB_COMPLETION_INDEX} from the pod's completion index annotation, unless the container
   * sets the variable itself, as the Job controller adds it.
   */
  private static PodDetails withCompletionIndex(ReplicaGroupSpec group) {
    PodDetails pod = group.pod();
    if (group.env().containsKey(COMPLETION_INDEX_ENV)
        || pod.valueFrom().containsKey(COMPLETION_INDEX_ENV)) {
      return pod;
    }
    Map<String, EnvValueFrom> valueFrom = new LinkedHashMap<>(pod.valueFrom());
    valueFrom.put(
        COMPLETION_INDEX_ENV,
        new EnvValueFrom("metadata.annotations['" + COMPLETION_INDEX + "']", null, null, null));
    return new PodDetails(
        pod.workingDir(),
        pod.volumes(),
        pod.volumeMounts(),
        valueFrom,
        pod.envFrom(),
        pod.labels(),
        pod.annotations());
  }

  private static Integer priority(JobMetadata metadata, SpecMap podSpec) {
    String kueue = metadata.labels().get(TrainJobFormat.KUEUE_PRIORITY_LABEL);
    return JobPriority.ofClusterClass(
        kueue != null ? kueue : podSpec.optionalString(PRIORITY_CLASS_NAME));
  }

  private static List<String> ignored(SpecMap spec, SpecMap template) {
    List<String> ignored = new ArrayList<>();
    if (spec.has("selector")) {
      ignored.add(spec.pathOf("selector").text());
    }
    if (Boolean.TRUE.equals(spec.optionalBoolean("manualSelector"))) {
      ignored.add(spec.pathOf("manualSelector").text());
    }
    ignored.addAll(ReplicaTemplate.ignored(template, null, Set.of(PRIORITY_CLASS_NAME)));
    return ignored;
  }
}
