package io.capstan.server.dataset;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.job.DatasetMount;
import io.capstan.runtime.Mount;
import io.capstan.server.job.JobDatasets;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves dataset references of a workload of a project into read-only mounts (decision 96): the
 * stored version's folder as an artifact mount, which the local runtime binds without copying (the
 * local store's folder, or the S3 store's cache copy filled once per version). Jobs reach it
 * through {@link JobDatasets}; a notebook calls {@link #mounts} with its {@code
 * name@version[:path]} references.
 */
public final class DatasetMounts implements JobDatasets {
  private final DatasetStore store;

  DatasetMounts(DatasetStore store) {
    this.store = requireNonNull(store, "store is null");
  }

  @Override
  public String folder(String project, DatasetMount mount) {
    String owner = mount.project() == null ? project : mount.project();
    boolean readable =
        store
            .find(owner, mount.name())
            .filter(d -> d.project().equals(project) || d.sharedWith().contains(project))
            .isPresent();
    if (!readable || store.version(owner, mount.name(), mount.version()).isEmpty()) {
      throw CapstanException.invalidSpec(
          mount.field(),
          "Expected "
              + mount.field()
              + " to name a version of a dataset of project '"
              + project
              + "' or one shared with it, but '"
              + (mount.project() == null ? "" : mount.project() + "/")
              + mount.name()
              + "@"
              + mount.version()
              + "' is not one; see capstan data versions "
              + mount.name());
    }
    return DatasetKeys.versionFolder(owner, mount.name(), mount.version());
  }

  /**
   * The read-only mounts of {@code references} ({@code [PROJECT/]NAME@VERSION[:PATH]}) for a
   * workload of {@code project}; errors name {@code field} with the reference's index.
   *
   * @throws CapstanException INVALID_SPEC for a malformed reference or one the project may not read
   */
  public List<Mount> mounts(String project, List<String> references, String field) {
    List<DatasetMount> parsed = new ArrayList<>();
    for (int i = 0; i < references.size(); i++) {
      parsed.add(DatasetMount.parse(references.get(i), field + "[" + i + "]"));
    }
    DatasetMount.checkPaths(parsed, field);
    List<Mount> mounts = new ArrayList<>();
    for (DatasetMount mount : parsed) {
      mounts.add(Mount.artifact(folder(project, mount), mount.path()));
    }
    return mounts;
  }
}
