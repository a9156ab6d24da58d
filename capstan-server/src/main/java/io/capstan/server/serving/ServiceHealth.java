package io.capstan.server.serving;

import static java.util.Objects.requireNonNull;

import io.capstan.api.status.Condition;
import io.capstan.api.status.ConditionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The serving controller's verdict on a service: phase, message, conditions and the generation it
 * acted on. Persisted when it changes (decision 67), so a restarted control plane shows the last
 * verdict until its first pass replaces it.
 *
 * <p>The conditions follow KServe's InferenceService: {@code PredictorReady} (enough stable
 * replicas answer to serve every request), {@code LatestDeploymentReady} (every replica serves the
 * latest stable version and the canary's replicas answer; False with reason {@code
 * RolloutInProgress} during a rollout) and {@code Ready} (all of it: the phase is Ready); and
 * Capstan's {@code ModelResolved} (the model references resolve to versions).
 *
 * @param phase {@code Pending}, {@code Progressing}, {@code Ready} or {@code Degraded}
 * @param message plain words: why replicas wait, what cannot be resolved; empty when all is well
 * @param conditions in a fixed order: Ready, PredictorReady, LatestDeploymentReady, ModelResolved
 * @param observedGeneration the service's generation the controller acted on, null if none yet
 */
record ServiceHealth(
    String phase, String message, List<Condition> conditions, Long observedGeneration) {
  static final String PENDING = "Pending";
  static final String PROGRESSING = "Progressing";
  static final String READY = "Ready";
  static final String DEGRADED = "Degraded";
  static final String PREDICTOR_READY = "PredictorReady";
  static final String LATEST_DEPLOYMENT_READY = "LatestDeploymentReady";
  static final String MODEL_RESOLVED = "ModelResolved";
  private static final int MAX_CONDITION_MESSAGE = 1000;

  /** What a service shows before the controller's first pass over it. */
  static final ServiceHealth NOT_YET =
      new ServiceHealth(PENDING, "waiting for the serving controller", List.of(), null);

  ServiceHealth {
    requireNonNull(phase, "phase is null");
    message = message == null ? "" : message;
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
  }

  /**
   * What one controller pass saw of a service.
   *
   * @param generation the service's generation the pass acted on
   * @param unresolved problems resolving its model references, empty when none
   * @param waiting notes on replicas that wait, e.g. "churn-v3-ab12 is waiting: ..."
   * @param stableVersion the stable version, null while unresolved
   * @param canaryVersion the canary's version, null without one
   * @param wanted stable replicas wanted
   * @param stable replicas of the stable version that exist
   * @param readyStable of those, the ones that answer
   * @param replaced replicas of the version being rolled out of, still serving
   * @param readyReplaced of those, the ones that answer
   * @param canaryWanted canary replicas wanted (0 without a canary)
   * @param readyCanary canary replicas that answer
   */
  record Pass(
      long generation,
      List<String> unresolved,
      List<String> waiting,
      Integer stableVersion,
      Integer canaryVersion,
      int wanted,
      int stable,
      int readyStable,
      int replaced,
      int readyReplaced,
      int canaryWanted,
      int readyCanary) {
    Pass {
      unresolved = List.copyOf(unresolved);
      waiting = List.copyOf(waiting);
    }

    /** A pass that could not resolve the stable version, so started nothing. */
    static Pass unresolved(long generation, List<String> problems) {
      return new Pass(generation, problems, List.of(), null, null, 0, 0, 0, 0, 0, 0, 0);
    }
  }

  /**
   * The verdict on {@code pass} at {@code now}; a condition whose status did not change since
   * {@code previous} keeps its transition time.
   */
  static ServiceHealth judge(Pass pass, ServiceHealth previous, Instant now) {
    String phase = phase(pass);
    List<String> notes = new ArrayList<>(pass.unresolved());
    notes.addAll(pass.waiting());
    String message = String.join("; ", notes);
    List<Condition> conditions =
        List.of(
            ready(phase, message, now),
            predictorReady(pass, now),
            latestDeploymentReady(pass, now),
            modelResolved(pass, now));
    return new ServiceHealth(phase, message, carried(previous, conditions), pass.generation());
  }

  /**
   * A pass that failed with {@code error}: Degraded with {@code Ready} False, the other conditions
   * and the observed generation as they were (the pass did not finish acting).
   */
  static ServiceHealth failed(ServiceHealth last, String error, Instant now) {
    ServiceHealth previous = last == null ? NOT_YET : last;
    String message = "controller error: " + error;
    List<Condition> conditions = new ArrayList<>();
    conditions.add(new Condition(READY, ConditionStatus.FALSE, "ReconcileError", message, now));
    previous.conditions().stream().filter(c -> !c.type().equals(READY)).forEach(conditions::add);
    return new ServiceHealth(
        DEGRADED, message, carried(previous, conditions), previous.observedGeneration());
  }

  private static String phase(Pass pass) {
    int ready = pass.readyStable() + pass.readyReplaced() + pass.readyCanary();
    if (ready == 0) {
      return PENDING;
    }
    int wanted = pass.wanted();
    if (pass.replaced() > 0 || pass.readyStable() != wanted || pass.stable() != wanted) {
      return pass.replaced() == 0 && pass.readyStable() < Math.min(wanted, pass.stable())
          ? DEGRADED
          : PROGRESSING;
    }
    if (pass.canaryWanted() > 0 && pass.readyCanary() < pass.canaryWanted()) {
      return PROGRESSING;
    }
    return READY;
  }

  private static Condition ready(String phase, String message, Instant now) {
    boolean ready = phase.equals(READY);
    return new Condition(
        READY,
        ConditionStatus.of(ready),
        ready ? "Ready" : phase,
        message.isEmpty() ? null : brief(message),
        now);
  }

  private static Condition predictorReady(Pass pass, Instant now) {
    int answering = pass.readyStable() + pass.readyReplaced();
    boolean ready = pass.stableVersion() != null && answering >= pass.wanted();
    return new Condition(
        PREDICTOR_READY,
        ConditionStatus.of(ready),
        ready ? "ReplicasReady" : answering == 0 ? "NoReplicaReady" : "ReplicasNotReady",
        answering + " of " + pass.wanted() + " stable replicas answer",
        now);
  }

  private static Condition latestDeploymentReady(Pass pass, Instant now) {
    if (pass.stableVersion() == null) {
      return new Condition(
          LATEST_DEPLOYMENT_READY,
          ConditionStatus.FALSE,
          "ModelNotResolved",
          "no model version to deploy",
          now);
    }
    String reason;
    String message;
    if (pass.replaced() > 0) {
      reason = "RolloutInProgress";
      message =
          pass.replaced()
              + " replica(s) of the previous version still serve; "
              + pass.readyStable()
              + " of "
              + pass.wanted()
              + " replicas of version "
              + pass.stableVersion()
              + " answer";
    } else if (pass.readyStable() < pass.wanted() || pass.stable() != pass.wanted()) {
      reason = "ReplicasNotReady";
      message =
          pass.readyStable()
              + " of "
              + pass.wanted()
              + " replicas of version "
              + pass.stableVersion()
              + " answer";
    } else if (pass.readyCanary() < pass.canaryWanted()) {
      reason = "CanaryNotReady";
      message =
          pass.readyCanary()
              + " of "
              + pass.canaryWanted()
              + " replicas of canary version "
              + pass.canaryVersion()
              + " answer";
    } else {
      return new Condition(
          LATEST_DEPLOYMENT_READY,
          ConditionStatus.TRUE,
          "UpToDate",
          "every replica serves version "
              + pass.stableVersion()
              + (pass.canaryVersion() == null
                  ? ""
                  : " (canary: version " + pass.canaryVersion() + ")"),
          now);
    }
    return new Condition(LATEST_DEPLOYMENT_READY, ConditionStatus.FALSE, reason, message, now);
  }

  private static Condition modelResolved(Pass pass, Instant now) {
    if (!pass.unresolved().isEmpty()) {
      return new Condition(
          MODEL_RESOLVED,
          ConditionStatus.FALSE,
          "ResolveFailed",
          brief(String.join("; ", pass.unresolved())),
          now);
    }
    return new Condition(
        MODEL_RESOLVED,
        ConditionStatus.TRUE,
        "Resolved",
        "stable: version "
            + pass.stableVersion()
            + (pass.canaryVersion() == null ? "" : ", canary: version " + pass.canaryVersion()),
        now);
  }

  /**
   * A condition's message, cut to keep the stored conditions small (the full one is the status's).
   */
  private static String brief(String message) {
    return message.length() <= MAX_CONDITION_MESSAGE
        ? message
        : message.substring(0, MAX_CONDITION_MESSAGE - 1) + "…";
  }

  /** {@code next} with each condition's transition time kept where its status did not change. */
  private static List<Condition> carried(ServiceHealth previous, List<Condition> next) {
    Map<String, Condition> before = new LinkedHashMap<>();
    if (previous != null) {
      previous.conditions().forEach(c -> before.put(c.type(), c));
    }
    List<Condition> result = new ArrayList<>();
    for (Condition condition : next) {
      Condition old = before.get(condition.type());
      result.add(old == null ? condition : old.followedBy(condition));
    }
    return result;
  }
}
