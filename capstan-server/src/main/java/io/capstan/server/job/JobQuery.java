package io.capstan.server.job;

import io.capstan.api.job.JobPhase;

/**
 * What a job list asks for: filters, order and one page.
 *
 * @param phase only jobs in this phase, or null
 * @param kind only jobs submitted as this kind ({@code PyTorchJob}), or workloads of this kind that
 *     no user submitted ({@code ServingReplica}), or null
 * @param text only jobs whose name contains this, in any case, or null
 * @param user only jobs this user submitted, or null
 * @param newestFirst newest first instead of oldest first
 * @param offset jobs to skip
 * @param limit at most this many jobs, or null for all
 */
public record JobQuery(
    JobPhase phase,
    String kind,
    String text,
    String user,
    boolean newestFirst,
    int offset,
    Integer limit) {
  /** Every job, oldest first. */
  public static final JobQuery ALL = new JobQuery(null, null, null, null, false, 0, null);

  public JobQuery {
    kind = kind == null || kind.isBlank() ? null : kind.strip();
    text = text == null || text.isBlank() ? null : text.strip();
    user = user == null || user.isBlank() ? null : user.strip();
    if (offset < 0) {
      throw new IllegalArgumentException("offset is negative: " + offset);
    }
  }
}
