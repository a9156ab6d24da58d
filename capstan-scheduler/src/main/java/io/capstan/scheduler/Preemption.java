package io.capstan.scheduler;

import static java.util.Objects.requireNonNull;

/**
 * A decision to stop a running workload gracefully (SIGTERM, grace period to checkpoint, then
 * requeue with its checkpoint kept) so that {@code preemptorId} can start.
 *
 * @param reason plain words: why this victim, e.g. {@code reclaimed by queue vision (its nominal
 *     quota)} or {@code preempted by higher-priority job x}
 */
public record Preemption(String victimId, String preemptorId, String reason) {
  public Preemption {
    requireNonNull(victimId, "victimId is null");
    requireNonNull(preemptorId, "preemptorId is null");
    requireNonNull(reason, "reason is null");
  }
}
