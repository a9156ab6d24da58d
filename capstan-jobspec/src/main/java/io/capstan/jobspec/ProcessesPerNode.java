package io.capstan.jobspec;

/**
 * The number of processes torchrun starts per replica, which Kubeflow's formats let a job set
 * ({@code nprocPerNode} of a PyTorchJob, {@code numProcPerNode} of a TrainJob). Capstan runs one
 * process per replica, so only 1 and {@code auto} (taken as 1) are accepted.
 */
final class ProcessesPerNode {
  private ProcessesPerNode() {}

  /** Checks that {@code key} of {@code map} is absent, 1 (number or string) or {@code auto}. */
  static void checkOne(SpecMap map, String key) {
    Object value = map.get(key);
    if (value == null) {
      return;
    }
    String text = SpecMap.scalarAsString(value, map.pathOf(key));
    if (!text.equals("1") && !text.equals("auto")) {
      throw map.pathOf(key)
          .invalid(
              "Expected "
                  + map.pathOf(key)
                  + " to be 1 or 'auto' (Capstan runs one process per replica), but was '"
                  + text
                  + "'");
    }
  }
}
