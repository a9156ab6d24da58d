package io.capstan.jobspec;

import io.capstan.api.job.Framework;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.ReplicaGroupSpec;
import java.util.List;
import java.util.Map;

/**
 * The run policy of a Kubeflow v1 job: {@code spec.runPolicy}, or the older fields directly under
 * {@code spec}; {@code runPolicy} wins where both are set. A batch Job's fields of the same names,
 * directly under its {@code spec}, are read by {@link #read} too.
 *
 * <p>{@code suspend: true} is refused without Kueue's queue label (see {@link KueueSuspend}): the
 * job would start at once. {@code cleanPodPolicy}, {@code managedBy} and, of {@code
 * schedulingPolicy}, all but {@code priorityClass} (see {@link JobPriority}) are ignored. An absent
 * {@code backoffLimit} is the format's default: {@link JobSpec#NO_BACKOFF_LIMIT} for the Training
 * Operator's kinds, whose controller checks no limit when the field is nil (decision 80).
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
   * annotations; {@code defaultBackoffLimit} when the run policy sets none.
   */
  static JobSpec job(
      SpecMap root,
      SpecMap spec,
      String name,
      Framework framework,
      String kind,
      List<ReplicaGroupSpec> groups,
      Map<String, String> labels,
      int defaultBackoffLimit) {
    SpecMap declared = spec.optionalMap("runPolicy");
    if (declared != null) {
      KueueSuspend.check(declared, labels);
    }
    KubeflowRunPolicy runPolicy = read(spec, defaultBackoffLimit);
    return JobSpec.builder(name, framework, kind)
        .replicaGroups(groups)
        .backoffLimit(runPolicy.backoffLimit())
        .activeDeadlineSeconds(runPolicy.activeDeadlineSeconds())
        .ttlSecondsAfterFinished(runPolicy.ttlSecondsAfterFinished())
        .labels(labels)
        .priority(JobPriority.readKubeflow(spec))
        .registerModel(DeclaredModelOutput.fromAnnotations(root))
        .datasets(DeclaredDatasets.fromAnnotations(root))
        .build();
  }

  static KubeflowRunPolicy read(SpecMap spec, int defaultBackoffLimit) {
    SpecMap runPolicy = spec.optionalMap("runPolicy");
    Long backoffLimit = field(runPolicy, spec, "backoffLimit", 0, Integer.MAX_VALUE);
    return new KubeflowRunPolicy(
        backoffLimit == null ? defaultBackoffLimit : backoffLimit.intValue(),
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
