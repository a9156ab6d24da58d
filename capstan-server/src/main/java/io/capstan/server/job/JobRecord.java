package io.capstan.server.job;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.JobPhase;
import io.capstan.api.job.JobSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A job as stored: spec, phase and what the controller acted on. Build one with {@link #queued} or
 * {@link #toBuilder()}; the store saves a record only over the {@link #version} it was read at.
 *
 * @param attempt the launched attempt (0 while queued); replicas are launched once per attempt
 * @param placement nodes, GPUs and endpoints of the current attempt
 * @param released whether the runtime has forgotten the replicas of a finished job
 * @param runs its service across runs, for the scheduler
 * @param kind the {@link WorkloadKind}'s name, e.g. {@code TrainingJob}
 * @param owner the uid of the object that made it and answers for it (an inference service), or
 *     null for a workload a user submitted
 * @param kindData what its kind records about it, as the kind's own JSON, or null
 * @param deleting someone asked to delete it: the controller stops its replicas, then removes it
 *     with its logs and files
 * @param version the stored row's version, raised by every save (optimistic concurrency)
 */
public record JobRecord(
    String uid,
    String project,
    String name,
    JobSpec spec,
    JobPhase phase,
    String reason,
    String message,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    int restarts,
    int attempt,
    Placement placement,
    boolean released,
    JobRuns runs,
    String kind,
    String owner,
    String kindData,
    boolean deleting,
    long version) {
  public JobRecord {
    requireNonNull(uid, "uid is null");
    requireNonNull(project, "project is null");
    requireNonNull(name, "name is null");
    requireNonNull(spec, "spec is null");
    requireNonNull(phase, "phase is null");
    requireNonNull(createdAt, "createdAt is null");
    placement = placement == null ? Placement.NONE : placement;
    runs = runs == null ? JobRuns.NONE : runs;
    requireNonNull(kind, "kind is null");
  }

  /** A workload just submitted: Queued, waiting for admission, not yet stored. */
  public static JobRecord queued(
      String uid, String project, JobSpec spec, Instant now, Workload workload) {
    return new Builder(uid, project, spec.name(), spec, now)
        .kind(workload.kind(), workload.owner(), workload.data())
        .phase(JobPhase.QUEUED)
        .reason("Queued")
        .message("waiting for admission")
        .build();
  }

  /** A builder holding this record's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The same job with {@code next} service across runs. */
  public JobRecord withRuns(JobRuns next) {
    return toBuilder().runs(next).build();
  }

  /**
   * Whether it holds resources on the nodes: admitted and not yet released, including a preempted
   * job (back in the queue) whose replicas are still stopping.
   */
  public boolean holdsResources() {
    return attempt > 0 && !released && !placement.replicas().isEmpty();
  }

  /** What each placed replica of the current attempt holds, in rank order; empty when nothing. */
  public List<ReplicaHolding> holdings() {
    if (!holdsResources()) {
      return List.of();
    }
    List<ReplicaHolding> holdings = new ArrayList<>();
    for (Rendezvous.Replica replica : Rendezvous.replicas(spec)) {
      Placement.ReplicaPlacement placed = placement.of(replica.name());
      if (placed != null) {
        holdings.add(
            new ReplicaHolding(
                replica.name(), placed.node(), placed.gpus(), replica.group().resources()));
      }
    }
    return holdings;
  }

  /** This job moved to {@code next} for {@code reason}; stamps start and finish times. */
  public JobRecord transition(JobPhase next, String newReason, String newMessage, Instant now) {
    JobLifecycle.check(name, phase, next);
    return toBuilder()
        .phase(next)
        .reason(newReason)
        .message(newMessage)
        .startedAt(startedAt == null && next == JobPhase.STARTING ? now : startedAt)
        .finishedAt(next.isTerminal() ? now : null)
        .build();
  }

  /** The same phase with a new explanation (e.g. why it still waits). */
  public JobRecord explain(String newReason, String newMessage) {
    return toBuilder().reason(newReason).message(newMessage).build();
  }

  public JobRecord launched(int newAttempt, int newRestarts, Placement newPlacement) {
    return toBuilder().attempt(newAttempt).restarts(newRestarts).placement(newPlacement).build();
  }

  public JobRecord markReleased() {
    return toBuilder().released(true).build();
  }

  /** This job with a deletion asked for. */
  public JobRecord markDeleting() {
    return toBuilder().deleting(true).build();
  }

  /** Builds a {@link JobRecord}; every value not set keeps its default or the source's value. */
  public static final class Builder {
    private final String uid;
    private final String project;
    private final String name;
    private final JobSpec spec;
    private final Instant createdAt;
    private JobPhase phase = JobPhase.QUEUED;
    private String reason;
    private String message;
    private Instant startedAt;
    private Instant finishedAt;
    private int restarts;
    private int attempt;
    private Placement placement = Placement.NONE;
    private boolean released;
    private JobRuns runs = JobRuns.NONE;
    private String kind = TrainingJobKind.NAME;
    private String owner;
    private String kindData;
    private boolean deleting;
    private long version;

    /** A builder for a job with these fixed values. */
    public Builder(String uid, String project, String name, JobSpec spec, Instant createdAt) {
      this.uid = uid;
      this.project = project;
      this.name = name;
      this.spec = spec;
      this.createdAt = createdAt;
    }

    private Builder(JobRecord source) {
      this(source.uid, source.project, source.name, source.spec, source.createdAt);
      phase = source.phase;
      reason = source.reason;
      message = source.message;
      startedAt = source.startedAt;
      finishedAt = source.finishedAt;
      restarts = source.restarts;
      attempt = source.attempt;
      placement = source.placement;
      released = source.released;
      runs = source.runs;
      kind = source.kind;
      owner = source.owner;
      kindData = source.kindData;
      deleting = source.deleting;
      version = source.version;
    }

    public Builder phase(JobPhase value) {
      phase = value;
      return this;
    }

    public Builder reason(String value) {
      reason = value;
      return this;
    }

    public Builder message(String value) {
      message = value;
      return this;
    }

    public Builder startedAt(Instant value) {
      startedAt = value;
      return this;
    }

    public Builder finishedAt(Instant value) {
      finishedAt = value;
      return this;
    }

    public Builder restarts(int value) {
      restarts = value;
      return this;
    }

    public Builder attempt(int value) {
      attempt = value;
      return this;
    }

    public Builder placement(Placement value) {
      placement = value;
      return this;
    }

    public Builder released(boolean value) {
      released = value;
      return this;
    }

    public Builder runs(JobRuns value) {
      runs = value;
      return this;
    }

    /** The workload's kind, its owner and what the kind records about it. */
    public Builder kind(String value, String ownerUid, String data) {
      kind = value;
      owner = ownerUid;
      kindData = data;
      return this;
    }

    public Builder deleting(boolean value) {
      deleting = value;
      return this;
    }

    public Builder version(long value) {
      version = value;
      return this;
    }

    public JobRecord build() {
      return new JobRecord(
          uid,
          project,
          name,
          spec,
          phase,
          reason,
          message,
          createdAt,
          startedAt,
          finishedAt,
          restarts,
          attempt,
          placement,
          released,
          runs,
          kind,
          owner,
          kindData,
          deleting,
          version);
    }
  }
}
