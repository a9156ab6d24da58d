package io.capstan.api.experiment;

/**
 * The body of {@code POST .../experiments/NAME/resume}, optional: Katib's editable counts. A larger
 * {@code maxTrialCount} resumes an experiment that succeeded by reaching its old one.
 *
 * @param maxTrialCount the new {@code spec.maxTrialCount}, above the trials made so far, or null to
 *     keep it
 * @param parallelTrialCount the new {@code spec.parallelTrialCount}, or null to keep it
 */
public record ResumeRequest(Integer maxTrialCount, Integer parallelTrialCount) {}
