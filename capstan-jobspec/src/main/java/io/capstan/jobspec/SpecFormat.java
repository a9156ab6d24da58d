package io.capstan.jobspec;

import io.capstan.api.job.JobSpec;
import java.util.Map;

/**
 * One kind of job document that {@link JobSpecParser} accepts, identified by {@code apiVersion} and
 * {@code kind}; a new kind is one more implementation.
 */
interface SpecFormat {
  /** The {@code apiVersion} this format reads, such as {@code kubeflow.org/v1}. */
  String apiVersion();

  /** The {@code kind} this format reads, such as {@code PyTorchJob}. */
  String kind();

  default boolean supports(String apiVersion, String kind) {
    return apiVersion().equals(apiVersion) && kind().equals(kind);
  }

  /**
   * Validates a parsed document of this format and converts it into a job spec.
   *
   * @param document the whole document, as SnakeYAML's safe constructor builds it
   * @throws io.capstan.api.error.CapstanException with {@code INVALID_SPEC} and the field path
   */
  JobSpec parse(Map<String, Object> document);
}
