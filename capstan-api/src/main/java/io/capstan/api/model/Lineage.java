package io.capstan.api.model;

import static java.util.Objects.requireNonNull;

/**
 * Where a model version came from.
 *
 * @param registeredBy the user who registered it, or {@code job-controller} when a job's declared
 *     output was registered on its success
 * @param project the project of the producing job (the model's own), or null for an upload
 * @param jobName the producing job's name, or null for an upload
 * @param jobUid the producing job's uid, or null for an upload
 * @param attempt the attempt of the job that wrote the file, or null for an upload
 * @param outputPath the file's path relative to the job's output directory, or null for an upload
 */
public record Lineage(
    String registeredBy,
    String project,
    String jobName,
    String jobUid,
    Integer attempt,
    String outputPath) {
  public Lineage {
    requireNonNull(registeredBy, "registeredBy is null");
  }

  /** An upload by {@code user}, made by no known job. */
  public static Lineage upload(String user) {
    return new Lineage(user, null, null, null, null, null);
  }
}
