package io.capstan.server.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.capstan.api.job.JobStatus;
import io.capstan.api.job.JobView;
import io.capstan.api.job.ReplicaTypeStatus;
import io.capstan.api.status.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A job submitted as a {@code batch/v1 Job}, as Kubernetes' Job controller (v1.31 and later)
 * reports it, for {@code GET .../jobs/NAME?form=kubeflow}: {@code apiVersion}, {@code kind}, {@code
 * metadata} (the project as the namespace) and a {@code status} with {@code active}, {@code ready},
 * {@code succeeded} and {@code failed} pods and the conditions tools wait for: {@code
 * SuccessCriteriaMet} and {@code Complete} ({@code CompletionsReached}), {@code FailureTarget} and
 * {@code Failed} (with Capstan's reason: {@code BackoffLimitExceeded}, {@code DeadlineExceeded},
 * ...), and {@code Suspended} only while the job waits in the queue, as Kueue suspends a Job (every
 * Capstan job waits there at first, so a resumed one shows none, as a Job Kueue never held).
 * Katib's default success and failure conditions of a Job trial read these.
 *
 * <p>Counts: {@code active} and {@code ready} are the running replicas (Capstan has no readiness
 * probes), {@code succeeded} those that exited 0, and {@code failed} the pods that failed over the
 * job's life: one per restart, and those failed now, as a Job counts each failed pod it replaced.
 * Zero counts are left out ({@code omitempty}) but {@code ready}, which the controller always
 * writes. {@code completionTime} is set only on success, as Kubernetes does.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record BatchJobView(
    String apiVersion, String kind, KubeflowJobView.Metadata metadata, Status status) {
  /** The kind of a job submitted as a Kubernetes Job. */
  static final String KIND = "Job";

  static final String API_VERSION = "batch/v1";

  /** The Job's {@code JobStatus}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Status(
      List<JobCondition> conditions,
      Instant startTime,
      Instant completionTime,
      Integer active,
      Integer ready,
      Integer succeeded,
      Integer failed) {}

  /** The Job's {@code JobCondition}. */
  record JobCondition(
      String type,
      String status,
      Instant lastProbeTime,
      Instant lastTransitionTime,
      String reason,
      String message) {}

  /** Whether {@code job} was submitted as a Kubernetes Job. */
  static boolean isBatchJob(JobView job) {
    return KIND.equals(job.spec().sourceKind());
  }

  /** The Kubernetes form of {@code job}, a job submitted as a {@code batch/v1 Job}. */
  static BatchJobView of(JobView job) {
    JobStatus status = job.status();
    int active = 0;
    int succeeded = 0;
    int failed = status.restarts();
    for (ReplicaTypeStatus counts : status.replicaStatuses().values()) {
      active += counts.active();
      succeeded += counts.succeeded();
      failed += counts.failed();
    }
    List<JobCondition> conditions = conditions(status);
    boolean complete = conditions.stream().anyMatch(c -> c.type().equals("Complete"));
    return new BatchJobView(
        API_VERSION,
        KIND,
        KubeflowJobView.Metadata.of(job),
        new Status(
            conditions.isEmpty() ? null : conditions,
            KubeflowJobView.seconds(status.startedAt()),
            complete ? KubeflowJobView.seconds(status.finishedAt()) : null,
            KubeflowJobView.nonZero(active),
            active,
            KubeflowJobView.nonZero(succeeded),
            KubeflowJobView.nonZero(failed)));
  }

  private static List<JobCondition> conditions(JobStatus status) {
    List<JobCondition> conditions = new ArrayList<>();
    for (Condition condition : status.conditions()) {
      Instant at = KubeflowJobView.seconds(condition.lastTransitionTime());
      switch (condition.type()) {
        case JobConditions.SUSPENDED -> {
          if (condition.holds()) {
            conditions.add(
                new JobCondition("Suspended", "True", at, at, "JobSuspended", "Job suspended"));
          }
        }
        case JobConditions.SUCCEEDED -> {
          if (condition.holds()) {
            String message = "Reached expected number of succeeded pods";
            conditions.add(
                new JobCondition(
                    "SuccessCriteriaMet", "True", at, at, "CompletionsReached", message));
            conditions.add(
                new JobCondition("Complete", "True", at, at, "CompletionsReached", message));
          }
        }
        case JobConditions.FAILED -> {
          if (condition.holds()) {
            String reason = condition.reason();
            String message = failedMessage(reason, condition.message());
            conditions.add(new JobCondition("FailureTarget", "True", at, at, reason, message));
            conditions.add(new JobCondition("Failed", "True", at, at, reason, message));
          }
        }
        default -> {
          // Created, Running and Restarting are the Training Operator's; a Job has none of them.
        }
      }
    }
    return conditions;
  }

  /** The Job controller's messages for its own reasons; Capstan's message otherwise. */
  private static String failedMessage(String reason, String message) {
    if ("BackoffLimitExceeded".equals(reason)) {
      return "Job has reached the specified backoff limit";
    }
    if ("DeadlineExceeded".equals(reason)) {
      return "Job was active longer than specified deadline";
    }
    return message;
  }
}
