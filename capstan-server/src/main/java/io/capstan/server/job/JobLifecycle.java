package io.capstan.server.job;

import static io.capstan.api.job.JobPhase.CANCELLED;
import static io.capstan.api.job.JobPhase.FAILED;
import static io.capstan.api.job.JobPhase.QUEUED;
import static io.capstan.api.job.JobPhase.RESTARTING;
import static io.capstan.api.job.JobPhase.RUNNING;
import static io.capstan.api.job.JobPhase.STARTING;
import static io.capstan.api.job.JobPhase.SUCCEEDED;
import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.job.JobPhase;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The job lifecycle as an explicit transition table: every phase change goes through {@link
 * #check}, so an illegal transition cannot be stored. Each transition says what makes the
 * controller take it; {@code JobTransitionsTest} and {@code ServingReplicaTransitionsTest} drive
 * the controller through every one of them, and docs/architecture.md shows the table as {@link
 * #mermaid} and {@link #markdown} write it.
 */
public final class JobLifecycle {
  /**
   * One allowed phase change.
   *
   * @param from the phase the job is in
   * @param to the phase it may go to
   * @param when what makes the controller (or a user's cancel) take it, in plain words
   */
  public record Transition(JobPhase from, JobPhase to, String when) {
    public Transition {
      requireNonNull(from, "from is null");
      requireNonNull(to, "to is null");
      requireNonNull(when, "when is null");
    }

    @Override
    public String toString() {
      return from.wireName() + " -> " + to.wireName();
    }
  }

  private static final String CANCEL = "cancelled or deleted by a user or its owner";
  private static final String PREEMPT =
      "preempted by the scheduler, or a node it ran on was taken back by the cloud: the replicas"
          + " stop gracefully, checkpoints are kept, it waits for admission again";

  private static final List<Transition> TABLE =
      List.of(
          new Transition(QUEUED, STARTING, "admitted by the scheduler: placed, launching"),
          new Transition(QUEUED, CANCELLED, CANCEL),
          new Transition(STARTING, QUEUED, PREEMPT),
          new Transition(STARTING, RUNNING, "every replica of the attempt runs"),
          new Transition(
              STARTING,
              RESTARTING,
              "a replica failed and the kind restarts the gang (restart policy and backoffLimit;"
                  + " a serving replica always)"),
          new Transition(
              STARTING,
              SUCCEEDED,
              "the success policy was met before every replica was seen running"),
          new Transition(
              STARTING,
              FAILED,
              "the runtime refused a launch, a replica failed that is not restarted, or"
                  + " activeDeadlineSeconds passed"),
          new Transition(STARTING, CANCELLED, CANCEL),
          new Transition(RUNNING, QUEUED, PREEMPT),
          new Transition(
              RUNNING,
              RESTARTING,
              "a replica failed and the kind restarts the gang (restart policy and backoffLimit;"
                  + " a serving replica always, whatever its exit code)"),
          new Transition(RUNNING, SUCCEEDED, "the success policy is met"),
          new Transition(
              RUNNING,
              FAILED,
              "a replica failed that is not restarted (restart policy, backoffLimit),"
                  + " activeDeadlineSeconds passed, or the runtime refused to launch a lost"
                  + " replica again"),
          new Transition(RUNNING, CANCELLED, CANCEL),
          new Transition(RESTARTING, QUEUED, PREEMPT),
          new Transition(
              RESTARTING,
              STARTING,
              "every replica of the failed attempt has exited: all relaunch as the next attempt"),
          new Transition(
              RESTARTING,
              FAILED,
              "activeDeadlineSeconds passed while the replicas of the failed attempt stopped"),
          new Transition(RESTARTING, CANCELLED, CANCEL));

  private static final Map<JobPhase, Set<JobPhase>> TRANSITIONS = new EnumMap<>(JobPhase.class);

  static {
    for (JobPhase phase : JobPhase.values()) {
      TRANSITIONS.put(phase, EnumSet.noneOf(JobPhase.class));
    }
    for (Transition transition : TABLE) {
      if (transition.from().isTerminal()
          || !TRANSITIONS.get(transition.from()).add(transition.to())) {
        throw new IllegalStateException(
            "Expected one way out of a live phase, but was " + transition);
      }
    }
  }

  private JobLifecycle() {}

  /** Every allowed transition, in the order the docs list them. */
  public static List<Transition> transitions() {
    return TABLE;
  }

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

  /** The table as a Markdown table (from, to, when), for docs/architecture.md. */
  public static String markdown() {
    StringBuilder out = new StringBuilder("| from | to | when |\n|---|---|---|\n");
    for (Transition transition : TABLE) {
      out.append("| `")
          .append(transition.from().wireName())
          .append("` | `")
          .append(transition.to().wireName())
          .append("` | ")
          .append(transition.when())
          .append(" |\n");
    }
    return out.toString();
  }
}
