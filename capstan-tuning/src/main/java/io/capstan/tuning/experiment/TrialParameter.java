package io.capstan.tuning.experiment;

import static java.util.Objects.requireNonNull;

/**
 * A placeholder of the trial template: {@code ${trialParameters.<name>}} is replaced by the value
 * of the experiment parameter {@code reference}, or of trial metadata when the reference is {@code
 * ${trialSpec.Name}} and the like.
 */
public record TrialParameter(String name, String description, String reference) {
  public TrialParameter {
    requireNonNull(name, "name is null");
    requireNonNull(reference, "reference is null");
  }

  /** Whether the reference names trial metadata ({@code ${trialSpec.Name}}) and not a parameter. */
  public boolean metadataReference() {
    return TrialMetadata.isReference(reference);
  }
}
