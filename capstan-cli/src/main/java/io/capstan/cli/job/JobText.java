package io.capstan.cli.job;

import io.capstan.api.job.JobStatus;
import io.capstan.api.job.JobView;
import io.capstan.api.job.ReplicaStatus;
import io.capstan.api.job.ReplicaTypeStatus;
import io.capstan.api.status.Condition;
import io.capstan.cli.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Short human forms of a job's fields, shared by the list and the detailed view. */
final class JobText {
  private JobText() {}

  /** {@code 2/2 running}: replicas in state Running of all replicas. */
  static String replicas(JobView job) {
    JobStatus status = job.status();
    long running =
        status == null
            ? 0
            : status.replicas().stream().filter(r -> "Running".equalsIgnoreCase(r.state())).count();
    int total =
        status != null && !status.replicas().isEmpty()
            ? status.replicas().size()
            : job.spec() == null ? 0 : job.spec().replicaCount();
    return running + "/" + total + " running";
  }

  static String phase(JobView job) {
    return job.status() == null || job.status().phase() == null
        ? "-"
        : job.status().phase().wireName();
  }

  static String age(Instant since, Clock clock) {
    return since == null ? "-" : Durations.age(Duration.between(since, clock.instant()));
  }

  /** {@code 2024-05-01T10:00:00Z (3m ago)}, or {@code -}. */
  static String time(Instant instant, Clock clock) {
    return instant == null
        ? "-"
        : instant.truncatedTo(ChronoUnit.SECONDS) + " (" + age(instant, clock) + " ago)";
  }

  static String gpus(ReplicaStatus replica) {
    return replica.gpus().isEmpty()
        ? "-"
        : String.join(",", replica.gpus().stream().map(String::valueOf).toList());
  }

  /** {@code Created=True Submitted, Running=True AllReplicasRunning}. */
  static String conditions(List<Condition> conditions) {
    return conditions.stream().map(Condition::compact).collect(Collectors.joining(", "));
  }

  /** {@code Worker: 2 active, 0 succeeded, 0 failed, 0 stopped; PS: ...}. */
  static String replicaTypes(Map<String, ReplicaTypeStatus> counts) {
    return counts.entrySet().stream()
        .map(
            e ->
                e.getKey()
                    + ": "
                    + e.getValue().active()
                    + " active, "
                    + e.getValue().succeeded()
                    + " succeeded, "
                    + e.getValue().failed()
                    + " failed, "
                    + e.getValue().stopped()
                    + " stopped")
        .collect(Collectors.joining("; "));
  }

  static String orDash(Object value) {
    return value == null || value.toString().isEmpty() ? "-" : value.toString();
  }
}
