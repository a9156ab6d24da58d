package io.capstan.jobspec;

import io.capstan.api.job.Framework;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.ReplicaGroupSpec;
import java.util.List;
import java.util.Map;

/**
 * The run policy of a Kubeflow v1 job: {@code spec.runPolicy}, or the older fields directly under
 * {@code spec}; {@code runPolicy} wins where both are set.
 *
 * <p>{@code suspend: true} is refused without Kueue's queue label (see {@link KueueSuspend}): the
 * job would start at once. {@code cleanPodPolicy}, {@code managedBy} and, of {@code
 * schedulingPolicy}, all but {@code priorityClass} (see {@link JobPriority}) are ignored.
 * backoffLimit defaults to 3, not Kubeflow's 6, as for Capstan's own format.
 *
 * @param backoffLimit restarts allowed before the job fails
 * @param activeDeadlineSeconds seconds the job may run, or null
 * @param ttlSecondsAfterFinished seconds a finished job is kept, or null
 */
record KubeflowRunPolicy(
    int backoffLimit, Long activeDeadlineSeconds, Long ttlSecondsAfterFinished) {

  /**
   * The job of a Kubeflow document: {@code groups} under the run policy of {@code spec}, with its
   * priority (see {@link JobPriority#readKubeflow}) and the model output of {@code root}'s
   * annotations.
   */
  static JobSpec job(
      SpecMap root,
      SpecMap spec,
      String name,
      Framework framework,
      String kind,
      List<ReplicaGroupSpec> groups,
      Map<String, String> labels) {
    SpecMap declared = spec.optionalMap("runPolicy");
    if (declared != null) {
      KueueSuspend.check(declared, labels);
    }
    KubeflowRunPolicy runPolicy = read(spec);
    return JobSpec.builder(name, framework, kind)
        .replicaGroups(groups)
        .backoffLimit(runPolicy.backoffLimit())
        .activeDeadlineSeconds(runPolicy.activeDeadlineSeconds())
        .ttlSecondsAfterFinished(runPolicy.ttlSecondsAfterFinished())
        .labels(labels)
        .priority(JobPriority.readKubeflow(spec))
        .registerModel(DeclaredModelOutput.fromAnnotations(root))
        .build();
  }

  static KubeflowRunPolicy read(SpecMap spec) {
    SpecMap runPolicy = spec.optionalMap("runPolicy");
    Long backoffLimit = field(runPolicy, spec, "backoffLimit", 0, Integer.MAX_VALUE);
    return new KubeflowRunPolicy(
        backoffLimit == null
            ? CapstanTrainingJobFormat.DEFAULT_BACKOFF_LIMIT
            : backoffLimit.intValue(),
        field(runPolicy, spec, "activeDeadlineSeconds", 1, Long.MAX_VALUE),
        field(runPolicy, spec, "ttlSecondsAfterFinished", 0, Long.MAX_VALUE));
  }

  private static Long field(SpecMap runPolicy, SpecMap spec, String key, long min, long max) {
    if (runPolicy != null && runPolicy.has(key)) {
      return runPolicy.optionalLong(key, min, max);
    }
    return spec.optionalLong(key, min, max);
  }
}
