package io.capstan.api.job;

import java.util.List;

/**
 * Answer to a job submission.
 *
 * @param warnings what the submitter should know: fields of the document that Capstan accepted but
 *     does not act on (also in the job's {@code status.warnings}); empty when none
 */
public record SubmitResponse(
    String name, String project, String uid, JobPhase phase, List<String> warnings) {
  public SubmitResponse {
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }
}
