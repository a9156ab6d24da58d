package io.capstan.server.notebook;

import io.capstan.api.notebook.NotebookEvent;
import io.capstan.api.notebook.NotebookPhase;
import io.capstan.server.job.JobRecord;
import java.util.List;
import java.util.Set;

/**
 * A notebook's phase, derived from what its owner wants, the workload of its server and whether
 * Jupyter answers its readiness probe; a waiting notebook says why as a waiting job does.
 */
final class NotebookPhases {
  private NotebookPhases() {}

  record Phase(NotebookPhase phase, String reason, String message) {}

  /** The reasons of the events that stop a notebook: a user's, the culler's, a reclaim's. */
  static final Set<String> STOP_REASONS = Set.of("Stopped", "Culled", "Reclaimed");

  static Phase of(
      NotebookRecord notebook, JobRecord job, boolean ready, List<NotebookEvent> events) {
    if (notebook.desired() == NotebookRecord.Desired.DELETING) {
      return new Phase(
          NotebookPhase.DELETING, "Deleting", "stopping its server, then removing its workspace");
    }
    if (notebook.desired() == NotebookRecord.Desired.STOPPED) {
      NotebookEvent stopped = lastStop(events);
      String reason = stopped == null ? "Stopped" : stopped.reason();
      String message = stopped == null ? null : stopped.message();
      boolean stopping = job != null && (!job.phase().isTerminal() || job.holdsResources());
      return new Phase(stopping ? NotebookPhase.STOPPING : NotebookPhase.STOPPED, reason, message);
    }
    if (job == null) {
      return new Phase(NotebookPhase.PENDING, "Submitting", "its server is being submitted");
    }
    return switch (job.phase()) {
      case QUEUED -> new Phase(NotebookPhase.PENDING, job.reason(), job.message());
      case STARTING, RESTARTING -> new Phase(NotebookPhase.STARTING, job.reason(), job.message());
      case RUNNING ->
          ready
              ? new Phase(NotebookPhase.RUNNING, "Ready", "Jupyter answers at " + notebook.path())
              : new Phase(NotebookPhase.STARTING, "Starting", "waiting for Jupyter to answer");
      case FAILED -> new Phase(NotebookPhase.FAILED, job.reason(), job.message());
      case CANCELLED, SUCCEEDED ->
          new Phase(
              NotebookPhase.STOPPED,
              job.reason(),
              "its server " + job.name() + " ended: " + job.message());
    };
  }

  private static NotebookEvent lastStop(List<NotebookEvent> events) {
    for (int i = events.size() - 1; i >= 0; i--) {
      NotebookEvent event = events.get(i);
      if (STOP_REASONS.contains(event.reason())) {
        return event;
      }
    }
    return null;
  }
}
