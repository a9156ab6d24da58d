package io.capstan.server.job;

import static java.util.Objects.requireNonNull;

/**
 * What a submission says besides its spec: the workload's kind, its owner and the kind's data.
 *
 * @param kind a {@link WorkloadKind}'s name
 * @param owner the uid of the object that answers for it, or null (a user's job)
 * @param data the kind's JSON about it, or null
 */
public record Workload(String kind, String owner, String data) {
  /** A training job a user submitted. */
  public static final Workload TRAINING_JOB = new Workload(TrainingJobKind.NAME, null, null);

  public Workload {
    requireNonNull(kind, "kind is null");
  }
}
