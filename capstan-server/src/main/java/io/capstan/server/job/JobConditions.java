package io.capstan.server.job;

import io.capstan.api.job.JobEvent;
import io.capstan.api.job.JobPhase;
import io.capstan.api.status.Condition;
import io.capstan.api.status.ConditionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kubeflow's job conditions, derived from a job's durable event history (decision 66): replaying
 * the phase changes in order gives the same conditions on every server, after any restart, with
 * each condition's last transition time the time of the event that changed it.
 *
 * <p>Kubeflow's semantics: {@code Created} turns True on submission and stays; {@code Running} and
 * {@code Restarting} replace each other (setting one removes the other); a suspended job, which in
 * Capstan is one the scheduler holds in the queue (waiting for admission or preempted, as Kueue
 * suspends a Kubeflow job), has {@code Suspended} True and {@code Running} False; admission turns
 * {@code Suspended} False; a finished job has {@code Succeeded} or {@code Failed} True and {@code
 * Running} False. Two choices where Kubeflow has no answer: a cancelled job is {@code Failed} with
 * reason {@code Cancelled} (Kubeflow's only terminal conditions are Succeeded and Failed, and tools
 * wait for one of them), and a finished job also turns {@code Restarting} and {@code Suspended}
 * False, since it neither restarts nor waits any more.
 */
final class JobConditions {
  static final String CREATED = "Created";
  static final String SUSPENDED = "Suspended";
  static final String RUNNING = "Running";
  static final String RESTARTING = "Restarting";
  static final String SUCCEEDED = "Succeeded";
  static final String FAILED = "Failed";

  private final Map<String, Condition> conditions = new LinkedHashMap<>();

  private JobConditions() {}

  /**
   * The conditions of a job with {@code events} (oldest first) and, now, {@code phase}, {@code
   * reason} and {@code message}: while it waits in the queue, the {@code Suspended} condition
   * carries the scheduler's latest explanation (a new explanation is not a transition).
   */
  static List<Condition> of(List<JobEvent> events, JobPhase phase, String reason, String message) {
    JobConditions derived = new JobConditions();
    JobPhase current = null;
    for (JobEvent event : events) {
      if (event.phase() != null && event.phase() != current) {
        derived.enter(current, event);
        current = event.phase();
      }
    }
    if (phase == JobPhase.QUEUED && current == JobPhase.QUEUED && reason != null) {
      derived.explain(SUSPENDED, reason, message);
    }
    return new ArrayList<>(derived.conditions.values());
  }

  private void enter(JobPhase from, JobEvent event) {
    Instant at = event.time();
    String reason = event.reason();
    String message = event.message();
    switch (event.phase()) {
      case QUEUED -> {
        if (from == null) {
          set(CREATED, ConditionStatus.TRUE, reason, message, at);
          set(SUSPENDED, ConditionStatus.TRUE, "Queued", "waiting for admission", at);
        } else {
          set(SUSPENDED, ConditionStatus.TRUE, reason, message, at);
          turnFalse(RUNNING, reason, message, at);
        }
      }
      case STARTING -> {
        if (from == null) {
          set(CREATED, ConditionStatus.TRUE, reason, message, at);
        }
        // Back from a restart: Restarting stays True until every replica runs again.
        turnFalse(SUSPENDED, reason, message, at);
      }
      case RUNNING -> {
        conditions.remove(RESTARTING);
        set(RUNNING, ConditionStatus.TRUE, reason, message, at);
      }
      case RESTARTING -> {
        conditions.remove(RUNNING);
        set(RESTARTING, ConditionStatus.TRUE, reason, message, at);
      }
      case SUCCEEDED -> finish(SUCCEEDED, reason, message, at);
      case FAILED, CANCELLED -> finish(FAILED, reason, message, at);
      default -> throw new IllegalStateException("unexpected phase " + event.phase());
    }
  }

  private void finish(String type, String reason, String message, Instant at) {
    turnFalse(RUNNING, reason, message, at);
    turnFalse(RESTARTING, reason, message, at);
    turnFalse(SUSPENDED, reason, message, at);
    set(type, ConditionStatus.TRUE, reason, message, at);
  }

  private void set(String type, ConditionStatus status, String reason, String message, Instant at) {
    Condition next = new Condition(type, status, reason, message, at);
    Condition previous = conditions.get(type);
    conditions.put(type, previous == null ? next : previous.followedBy(next));
  }

  /** A True condition of {@code type} turns False; an absent or False one stays as it is. */
  private void turnFalse(String type, String reason, String message, Instant at) {
    Condition previous = conditions.get(type);
    if (previous != null && previous.holds()) {
      set(type, ConditionStatus.FALSE, reason, message, at);
    }
  }

  private void explain(String type, String reason, String message) {
    Condition previous = conditions.get(type);
    if (previous != null) {
      conditions.put(
          type,
          new Condition(type, previous.status(), reason, message, previous.lastTransitionTime()));
    }
  }
}
