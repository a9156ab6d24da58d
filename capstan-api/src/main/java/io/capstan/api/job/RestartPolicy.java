package io.capstan.api.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Set;

/** What happens when a replica exits with a failure (Kubeflow's vocabulary). */
public enum RestartPolicy {
  /** The job fails. */
  NEVER("Never"),
  /** The whole job restarts, up to {@code backoffLimit} times. */
  ON_FAILURE("OnFailure"),
  /**
   * Restart only on retryable exit codes (signals such as 130, 137, 143); permanent codes (1, 2,
   * 126, 127, 128, 139) fail the job, as Kubeflow's training operator does.
   */
  EXIT_CODE("ExitCode");

  private static final Set<Integer> PERMANENT_EXIT_CODES = Set.of(1, 2, 126, 127, 128, 139);

  private final String wireName;

  RestartPolicy(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** Parses the Kubeflow spelling ({@code OnFailure}); null when unknown. */
  @JsonCreator
  public static RestartPolicy fromWire(String name) {
    for (RestartPolicy policy : values()) {
      if (policy.wireName.equalsIgnoreCase(name)) {
        return policy;
      }
    }
    return null;
  }

  /** Whether a replica that exited with {@code exitCode} (non-zero) should restart the job. */
  public boolean restarts(int exitCode) {
    return switch (this) {
      case NEVER -> false;
      case ON_FAILURE -> true;
      case EXIT_CODE -> !PERMANENT_EXIT_CODES.contains(exitCode);
    };
  }
}
