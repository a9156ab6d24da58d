package io.capstan.server.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.job.JobEvent;
import io.capstan.api.job.JobPhase;
import io.capstan.api.job.JobStatus;
import io.capstan.api.job.JobView;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.ReplicaTypeStatus;
import io.capstan.api.status.Condition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A job as the Training Operator (v1.8) reports its custom resource, for {@code GET
 * .../jobs/NAME?form=kubeflow}: {@code apiVersion}, {@code kind}, {@code metadata} (the project as
 * the namespace) and a {@code status} whose conditions and replica statuses read as the operator
 * writes them, so tools that watch a PyTorchJob's status work unchanged (decision 81). The spec is
 * the submitted document, not repeated here.
 *
 * <p>Conditions: Capstan's ({@link JobConditions}), with the operator's reasons ({@code
 * PyTorchJobCreated}, {@code PyTorchJobRunning}...) and messages (the PyTorchJob, TFJob and MPIJob
 * controllers', {@code common/job.go}'s and {@code common/pod.go}'s); {@code Running} keeps its
 * reason and message when it turns False, as the operator's {@code filterOutCondition} does; {@code
 * Suspended} appears only while the job waits in the queue, as a job Kueue holds. Replica statuses:
 * one entry per replica type of the spec, with the counts that are not zero ({@code omitempty})
 * and, for a PyTorchJob, the {@code selector} of its pods' labels; replicas Capstan stopped count
 * nowhere, as deleted pods. Times are whole seconds, as Kubernetes writes them; {@code
 * lastUpdateTime} is the transition time (Capstan keeps no other), but a {@code Running} turned
 * False at the end keeps the time it turned True, as the operator's does (from the events, which
 * {@code GET} of one job includes).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record KubeflowJobView(String apiVersion, String kind, Metadata metadata, Status status) {
  /** The kinds whose status the Training Operator (or the MPI Operator, alike) writes. */
  private static final Map<String, String> API_VERSIONS =
      Map.of(
          "PyTorchJob", "kubeflow.org/v1", "TFJob", "kubeflow.org/v1", "MPIJob", "kubeflow.org/v1");

  /** The object's metadata: the project is its namespace. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  record Metadata(
      String name,
      String namespace,
      String uid,
      Instant creationTimestamp,
      Map<String, String> labels) {
    /** The metadata of {@code job}, whose creation time is in whole seconds. */
    static Metadata of(JobView job) {
      return new Metadata(
          job.name(),
          job.project(),
          job.uid(),
          seconds(job.status().createdAt()),
          job.spec().labels());
    }
  }

  /** The operator's {@code JobStatus}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Status(
      List<KubeflowCondition> conditions,
      Map<String, ReplicaCounts> replicaStatuses,
      Instant startTime,
      Instant completionTime) {}

  /** The operator's {@code JobCondition}. */
  record KubeflowCondition(
      String type,
      String status,
      String reason,
      String message,
      Instant lastUpdateTime,
      Instant lastTransitionTime) {}

  /** The operator's {@code ReplicaStatus}: counts that are zero are left out. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ReplicaCounts(Integer active, Integer succeeded, Integer failed, String selector) {}

  /**
   * The Kubeflow form of {@code job}.
   *
   * @throws CapstanException {@code INVALID_ARGUMENT} for a job of another kind (TrainJob,
   *     Capstan's TrainingJob), which the Training Operator does not report
   */
  static KubeflowJobView of(JobView job) {
    String kind = job.spec().sourceKind();
    String apiVersion = API_VERSIONS.get(kind);
    if (apiVersion == null) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          "form",
          "Expected a PyTorchJob, TFJob, MPIJob or Job for form=kubeflow, but job '"
              + job.name()
              + "' is a "
              + kind);
    }
    JobStatus status = job.status();
    boolean finished = status.phase().isTerminal();
    return new KubeflowJobView(
        apiVersion,
        kind,
        Metadata.of(job),
        new Status(
            conditions(job),
            replicaStatuses(job),
            seconds(status.startedAt()),
            finished ? seconds(status.finishedAt()) : null));
  }

  private static List<KubeflowCondition> conditions(JobView job) {
    String kind = job.spec().sourceKind();
    List<KubeflowCondition> conditions = new ArrayList<>();
    for (Condition condition : job.status().conditions()) {
      if (condition.type().equals(JobConditions.SUSPENDED) && !condition.holds()) {
        continue;
      }
      String type = condition.type();
      Instant at = seconds(condition.lastTransitionTime());
      if (type.equals(JobConditions.RUNNING) && !condition.holds()) {
        // The operator turns Running False at the end without a new transition time.
        at = seconds(runningSince(job, condition.lastTransitionTime()));
      }
      conditions.add(
          new KubeflowCondition(
              type,
              condition.status().wireName(),
              kind + (type.equals(JobConditions.FAILED) ? "Failed" : type),
              message(job, condition),
              at,
              at));
    }
    return conditions;
  }

  /** When the job last started running, by its events; {@code otherwise} without them. */
  private static Instant runningSince(JobView job, Instant otherwise) {
    Instant since = otherwise;
    JobPhase previous = null;
    for (JobEvent event : job.events()) {
      if (event.phase() == JobPhase.RUNNING && previous != JobPhase.RUNNING) {
        since = event.time();
      }
      if (event.phase() != null) {
        previous = event.phase();
      }
    }
    return since;
  }

  /**
   * The operator's message for a condition of this type: the PyTorchJob controller's (which names a
   * job without Master with its namespace), the TFJob controller's and the v1 MPIJob controller's
   * (which always do), and {@code common/job.go}'s for the backoff limit and deadline.
   */
  private static String message(JobView job, Condition condition) {
    String kind = job.spec().sourceKind();
    String name = job.name();
    String qualified = kind + " " + job.project() + "/" + name;
    boolean pytorchMaster =
        kind.equals("PyTorchJob")
            && job.spec().replicaGroups().stream().anyMatch(g -> g.role() == ReplicaRole.MASTER);
    String subject = pytorchMaster ? kind + " " + name : qualified;
    return switch (condition.type()) {
      case JobConditions.CREATED -> kind + " " + name + " is created.";
      case JobConditions.RUNNING -> subject + " is running.";
      case JobConditions.SUSPENDED -> kind + " " + name + " is suspended.";
      case JobConditions.SUCCEEDED ->
          pytorchMaster
              ? subject + " is successfully completed."
              : subject + " successfully completed.";
      case JobConditions.RESTARTING ->
          kind.equals("TFJob")
              ? "job " + name + " is restarting" + because(job, false) + "."
              : kind + " " + name + " is restarting" + because(job, true) + ".";
      case JobConditions.FAILED -> failed(job, condition.reason(), qualified);
      default -> condition.message();
    };
  }

  private static String failed(JobView job, String reason, String qualified) {
    String kind = job.spec().sourceKind();
    String name = job.name();
    if ("BackoffLimitExceeded".equals(reason)) {
      return "Job " + name + " has failed because it has reached the specified backoff limit";
    }
    if ("DeadlineExceeded".equals(reason)) {
      return "Job " + name + " has failed because it was active longer than specified deadline";
    }
    if ("Cancelled".equals(reason)) {
      return kind + " " + name + " is failed because it was cancelled.";
    }
    return switch (kind) {
      case "TFJob" -> qualified + " has failed" + because(job, true) + ".";
      case "MPIJob" -> qualified + " has failed";
      default -> kind + " " + name + " is failed" + because(job, true) + ".";
    };
  }

  /**
   * {@code " because 1 Worker replica(s) failed"} for the first type with failures ({@code
   * counted}, else without the number, as {@code common/pod.go} writes it), or "".
   */
  private static String because(JobView job, boolean counted) {
    for (Map.Entry<String, ReplicaTypeStatus> type : job.status().replicaStatuses().entrySet()) {
      if (type.getValue().failed() > 0) {
        return " because "
            + (counted ? type.getValue().failed() + " " : "")
            + type.getKey()
            + " replica(s) failed";
      }
    }
    return "";
  }

  private static Map<String, ReplicaCounts> replicaStatuses(JobView job) {
    Map<String, ReplicaCounts> statuses = new LinkedHashMap<>();
    for (ReplicaGroupSpec group : job.spec().replicaGroups()) {
      String type = group.role().replicaType();
      ReplicaTypeStatus counts =
          job.status().replicaStatuses().getOrDefault(type, ReplicaTypeStatus.NONE);
      statuses.put(
          type,
          new ReplicaCounts(
              nonZero(counts.active()),
              nonZero(counts.succeeded()),
              nonZero(counts.failed()),
              selector(job, type)));
    }
    return statuses;
  }

  /** The PyTorchJob controller's {@code metav1.FormatLabelSelector} of a type's pods. */
  private static String selector(JobView job, String type) {
    if (!job.spec().sourceKind().equals("PyTorchJob")) {
      return null;
    }
    return "training.kubeflow.org/job-name="
        + job.name()
        + ",training.kubeflow.org/operator-name=pytorchjob-controller"
        + ",training.kubeflow.org/replica-type="
        + type.toLowerCase(Locale.ROOT);
  }

  static Integer nonZero(int count) {
    return count == 0 ? null : count;
  }

  /** {@code time} in whole seconds, as Kubernetes writes times; null stays null. */
  static Instant seconds(Instant time) {
    return time == null ? null : time.truncatedTo(ChronoUnit.SECONDS);
  }
}
