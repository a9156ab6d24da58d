package io.capstan.api.notebook;

import java.time.Instant;
import java.util.List;

/**
 * A notebook as the API shows it. Its Jupyter token is never part of it.
 *
 * @param spec the spec with defaults filled in ({@code cullAfterSeconds} null: the project's)
 * @param phase where it is
 * @param reason a CamelCase reason for the phase, e.g. {@code Culled}
 * @param message plain words: why it waits, why it stopped
 * @param path where it answers on the control plane, {@code /notebooks/<project>/<name>/}
 * @param job the workload that runs its server now (or last ran it), or null
 * @param workspace the project volume that holds its files, kept until it is deleted
 * @param cullAfterSeconds the idle time that stops it in effect (0: never)
 * @param lastActivity the last request through the proxy or busy kernel seen, or null
 */
public record NotebookView(
    String name,
    String project,
    String uid,
    NotebookSpec spec,
    NotebookPhase phase,
    String reason,
    String message,
    String path,
    String job,
    String workspace,
    long cullAfterSeconds,
    Instant lastActivity,
    Instant createdAt,
    String createdBy,
    List<NotebookEvent> events) {
  public NotebookView {
    events = events == null ? List.of() : List.copyOf(events);
  }
}
