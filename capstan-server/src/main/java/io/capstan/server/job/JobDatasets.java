package io.capstan.server.job;

import io.capstan.api.error.CapstanException;
import io.capstan.api.job.DatasetMount;

/**
 * The datasets a job may mount, as the launcher resolves a job's {@link DatasetMount}s: a version
 * of the job's project, or of another project that shares the dataset with it.
 */
public interface JobDatasets {
  /** An installation without datasets: every dataset reference is refused. */
  JobDatasets NONE =
      (project, mount) -> {
        throw CapstanException.invalidSpec(
            mount.field(),
            "Expected "
                + mount.field()
                + " to name a dataset, but this control plane has no datasets");
      };

  /**
   * The artifact-store folder of the version {@code mount} names, which a job of {@code project}
   * may read: mounted read-only as an artifact.
   *
   * @throws CapstanException INVALID_SPEC naming {@code mount.field()} when there is no such
   *     version that {@code project} may read
   */
  String folder(String project, DatasetMount mount);
}
