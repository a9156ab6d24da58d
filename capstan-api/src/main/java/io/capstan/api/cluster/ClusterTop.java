package io.capstan.api.cluster;

import io.capstan.api.queue.ResourceQuantities;
import java.util.List;

/**
 * What the cluster holds now ({@code GET /api/v1/top}, {@code capstan top}): totals, each node and
 * each project. Every authenticated caller sees the totals and the nodes; projects the caller is
 * not a member of are summed into one row named {@link ProjectTop#OTHER_PROJECTS}, and their jobs
 * show on a GPU only as {@link GpuTop#IN_USE}.
 *
 * @param capacity allocatable resources of all nodes
 * @param allocated resources held by admitted jobs
 * @param free capacity not allocated
 * @param nodes per node, in the runtime's order
 * @param projects the caller's projects by name, then the other projects as one row
 * @param runtime what the runtime enforces and how it isolates jobs, in plain words (for example
 *     whether every replica runs in a sandbox or every job is trusted)
 */
public record ClusterTop(
    ResourceQuantities capacity,
    ResourceQuantities allocated,
    ResourceQuantities free,
    List<NodeTop> nodes,
    List<ProjectTop> projects,
    List<String> runtime) {
  public ClusterTop {
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
    projects = projects == null ? List.of() : List.copyOf(projects);
    runtime = runtime == null ? List.of() : List.copyOf(runtime);
  }

  /** This view with the runtime's notes. */
  public ClusterTop withRuntime(List<String> notes) {
    return new ClusterTop(capacity, allocated, free, nodes, projects, notes);
  }
}
