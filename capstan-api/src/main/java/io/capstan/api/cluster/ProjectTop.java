package io.capstan.api.cluster;

import io.capstan.api.queue.ResourceQuantities;

/**
 * One project's row in {@link ClusterTop}, or the sum of the projects the caller cannot see.
 *
 * @param project the project's name, or {@link #OTHER_PROJECTS}
 * @param nominal its guaranteed quota (0 without one)
 * @param usage resources held by its admitted jobs
 * @param borrowing usage above nominal, per resource: what it borrows from others' unused quota
 * @param running jobs holding resources
 * @param pending jobs waiting for admission
 */
public record ProjectTop(
    String project,
    ResourceQuantities nominal,
    ResourceQuantities usage,
    ResourceQuantities borrowing,
    int running,
    int pending) {
  /** The row that sums every project the caller is not a member of; no project has this name. */
  public static final String OTHER_PROJECTS = "(other projects)";
}
