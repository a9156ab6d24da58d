package io.capstan.server.notebook;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.Quantities;
import io.capstan.api.job.Resources;
import io.capstan.api.notebook.NotebookSpec;
import java.time.Instant;

/**
 * A notebook as stored: its spec (defaults filled in), what its owner wants of it and the workload
 * that runs (or last ran) its server.
 *
 * @param desired what is wanted: its server running, stopped, or the notebook gone
 * @param job the name of the workload that runs or last ran its server, or null
 * @param version the row's version, raised by every save (optimistic concurrency)
 */
record NotebookRecord(
    String uid,
    String project,
    String name,
    NotebookSpec spec,
    Desired desired,
    String job,
    Instant createdAt,
    String createdBy,
    long version) {
  /** The volume prefix of workspaces, so a project's volumes show which are notebooks'. */
  static final String WORKSPACE_PREFIX = "notebook-";

  NotebookRecord {
    requireNonNull(uid, "uid is null");
    requireNonNull(project, "project is null");
    requireNonNull(name, "name is null");
    requireNonNull(spec, "spec is null");
    requireNonNull(desired, "desired is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(createdBy, "createdBy is null");
  }

  /** What the owner of a notebook wants of it. */
  enum Desired {
    RUNNING,
    STOPPED,
    DELETING
  }

  /** Where the notebook answers on the control plane: {@code /notebooks/<project>/<name>/}. */
  String path() {
    return path(project, name);
  }

  static String path(String project, String name) {
    return "/notebooks/" + project + "/" + name + "/";
  }

  /** The project volume that holds its files. */
  String workspace() {
    return WORKSPACE_PREFIX + name;
  }

  /** What its server asks of the scheduler. */
  Resources resources() {
    return new Resources(
        Quantities.parseCpu(spec.cpu()), Quantities.parseMemory(spec.memory()), spec.gpus());
  }

  NotebookRecord with(Desired newDesired, String newJob) {
    return new NotebookRecord(
        uid, project, name, spec, newDesired, newJob, createdAt, createdBy, version);
  }
}
