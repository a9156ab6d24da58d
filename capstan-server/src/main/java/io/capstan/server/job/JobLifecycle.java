package io.capstan.server.job;

import static io.capstan.api.job.JobPhase.CANCELLED;
import static io.capstan.api.job.JobPhase.FAILED;
import static io.capstan.api.job.JobPhase.QUEUED;
import static io.capstan.api.job.JobPhase.RESTARTING;
import static io.capstan.api.job.JobPhase.RUNNING;
import static io.capstan.api.job.JobPhase.STARTING;
import static io.capstan.api.job.JobPhase.SUCCEEDED;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.job.JobPhase;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The job lifecycle as an explicit transition table: every phase change goes through {@link
 * #check}, so an illegal transition cannot be stored.
 */
public final class JobLifecycle {
  private static final Map<JobPhase, Set<JobPhase>> TRANSITIONS = new EnumMap<>(JobPhase.class);

  static {
    TRANSITIONS.put(QUEUED, EnumSet.of(STARTING, FAILED, CANCELLED));
    // Back to QUEUED: preempted by the scheduler; the job stops, keeps its checkpoints and waits.
    TRANSITIONS.put(
        STARTING, EnumSet.of(RUNNING, RESTARTING, SUCCEEDED, FAILED, CANCELLED, QUEUED));
    TRANSITIONS.put(RUNNING, EnumSet.of(RESTARTING, SUCCEEDED, FAILED, CANCELLED, QUEUED));
    TRANSITIONS.put(RESTARTING, EnumSet.of(STARTING, FAILED, CANCELLED, QUEUED));
    TRANSITIONS.put(SUCCEEDED, EnumSet.noneOf(JobPhase.class));
    TRANSITIONS.put(FAILED, EnumSet.noneOf(JobPhase.class));
    TRANSITIONS.put(CANCELLED, EnumSet.noneOf(JobPhase.class));
  }

  private JobLifecycle() {}

  public static boolean allowed(JobPhase from, JobPhase to) {
    return TRANSITIONS.get(from).contains(to);
  }

  /** Throws {@code INVALID_STATE} unless {@code from -> to} is in the table. */
  public static void check(String job, JobPhase from, JobPhase to) {
    if (!allowed(from, to)) {
      throw new CapstanException(
          ErrorCode.INVALID_STATE,
          "Job '"
              + job
              + "' cannot go from "
              + from.wireName()
              + " to "
              + to.wireName()
              + "; allowed from "
              + from.wireName()
              + ": "
              + TRANSITIONS.get(from));
    }
  }

  /** The table as a Mermaid state diagram, for docs/architecture.md. */
  public static String mermaid() {
    StringBuilder out = new StringBuilder("stateDiagram-v2\n  [*] --> Queued\n");
    TRANSITIONS.forEach(
        (from, targets) -> {
          for (JobPhase to : targets) {
            out.append("  ")
                .append(from.wireName())
                .append(" --> ")
                .append(to.wireName())
                .append('\n');
          }
          if (from.isTerminal()) {
            out.append("  ").append(from.wireName()).append(" --> [*]\n");
          }
        });
    return out.toString();
  }
}
