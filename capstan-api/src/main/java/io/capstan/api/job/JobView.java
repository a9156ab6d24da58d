package io.capstan.api.job;

import java.util.List;

/**
 * A job as the API returns it.
 *
 * @param name job name
 * @param project owning project
 * @param uid unique id, stable for the job's life
 * @param spec the validated spec
 * @param status observed status
 * @param events history, oldest first (omitted in list responses)
 * @param submittedBy the user who submitted it, or null for a workload a controller made (a serving
 *     replica, a notebook's) or one submitted before submitters were kept
 */
public record JobView(
    String name,
    String project,
    String uid,
    JobSpec spec,
    JobStatus status,
    List<JobEvent> events,
    String submittedBy) {
  public JobView {
    events = events == null ? List.of() : List.copyOf(events);
  }

  /** A job whose submitter is not said. */
  public JobView(
      String name,
      String project,
      String uid,
      JobSpec spec,
      JobStatus status,
      List<JobEvent> events) {
    this(name, project, uid, spec, status, events, null);
  }
}
