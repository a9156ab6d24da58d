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
 */
public record JobView(
    String name,
    String project,
    String uid,
    JobSpec spec,
    JobStatus status,
    List<JobEvent> events) {
  public JobView {
    events = events == null ? List.of() : List.copyOf(events);
  }
}
