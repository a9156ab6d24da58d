package io.capstan.api.status;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One observation of an object's state, as Kubernetes conditions are: a job's {@code Running} or
 * {@code Succeeded}, a service's {@code Ready}. Consumers look a condition up by its type; the
 * order of a list of conditions carries no meaning.
 *
 * @param type what is observed, in CamelCase, e.g. {@code Running}
 * @param status whether it holds
 * @param reason a CamelCase code for the last change, e.g. {@code AllReplicasRunning}
 * @param message plain words with numbers, or null
 * @param lastTransitionTime when the status last changed (a new reason or message alone does not
 *     move it)
 */
public record Condition(
    String type,
    ConditionStatus status,
    String reason,
    String message,
    Instant lastTransitionTime) {
  public Condition {
    requireNonNull(type, "type is null");
    requireNonNull(status, "status is null");
  }

  /** Whether the condition holds ({@code status} is {@code True}). */
  public boolean holds() {
    return status == ConditionStatus.TRUE;
  }

  /**
   * This condition now observed as {@code next} (same type): keeps this one's transition time when
   * the status did not change, as Kubernetes does.
   */
  public Condition followedBy(Condition next) {
    return next.status == status
        ? new Condition(type, status, next.reason, next.message, lastTransitionTime)
        : next;
  }

  /** {@code Running=True AllReplicasRunning}: the compact form command lines print. */
  public String compact() {
    return type + "=" + status.wireName() + (reason == null ? "" : " " + reason);
  }
}
