package io.capstan.jobspec;

import io.capstan.api.job.JobSpec;

/**
 * The number of processes torchrun starts per replica, which Kubeflow's formats let a job set
 * ({@code nprocPerNode} of a PyTorchJob, {@code numProcPerNode} of a TrainJob): a whole number from
 * 1 to {@value JobSpec#MAX_PROCESSES_PER_NODE}, or {@code auto}, which Capstan takes as 1 (one
 * process per replica, as when the field is absent; a replica's GPUs are its own to split).
 */
final class ProcessesPerNode {
  private ProcessesPerNode() {}

  /** {@code key} of {@code map}: 1 when absent or {@code auto}. */
  static int read(SpecMap map, String key) {
    Object value = map.get(key);
    if (value == null) {
      return 1;
    }
    String text = SpecMap.scalarAsString(value, map.pathOf(key));
    if (text.equals("auto")) {
      return 1;
    }
    try {
      int processes = Integer.parseInt(text);
      if (processes >= 1 && processes <= JobSpec.MAX_PROCESSES_PER_NODE) {
        return processes;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw map.pathOf(key)
        .invalid(
            "Expected "
                + map.pathOf(key)
                + " to be a whole number from 1 to "
                + JobSpec.MAX_PROCESSES_PER_NODE
                + " or 'auto', but was '"
                + text
                + "'");
  }
}
