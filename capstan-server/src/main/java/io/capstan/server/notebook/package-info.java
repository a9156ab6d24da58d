/**
 * Notebooks: Jupyter servers of a project with resources, a workspace that outlives them and idle
 * culling, run as workloads of kind {@link io.capstan.server.notebook.NotebookKind} and reached
 * through the control plane's authenticated proxy at {@code /notebooks/<project>/<name>/}.
 */
package io.capstan.server.notebook;
