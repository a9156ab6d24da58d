package io.capstan.api.job;

import java.time.Instant;

/**
 * How far a job's training is, as its replicas reported it (Kubeflow Trainer's {@code
 * trainerStatus}): {@code progress(percent=..., eta_seconds=...)} of the {@code capstan_metrics}
 * helper, a {@code "progress"} line of the metrics file, or {@code capstan_progress_percent=}
 * printed.
 *
 * @param progressPercentage percent done, 0 to 100
 * @param estimatedRemainingSeconds seconds left as the job estimated them, or null when it did not
 * @param replica the replica whose report this is (the latest report of any replica)
 * @param lastUpdatedTime when it was reported
 */
public record TrainerStatus(
    int progressPercentage,
    Long estimatedRemainingSeconds,
    String replica,
    Instant lastUpdatedTime) {}
