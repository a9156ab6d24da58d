package io.capstan.api.job;

/**
 * How an MPI job's ranks are laid out over its hosts (the MPI Operator's {@code slotsPerWorker} and
 * {@code runLauncherAsWorker}).
 *
 * @param slotsPerWorker the slots of each MPI host in the launcher's hostfile, at least 1
 * @param launcherRunsRanks whether the launcher is an MPI host too and runs ranks itself
 */
public record MpiLayout(int slotsPerWorker, boolean launcherRunsRanks) {
  public MpiLayout {
    if (slotsPerWorker < 1) {
      throw new IllegalArgumentException(
          "Expected slotsPerWorker to be at least 1, but was " + slotsPerWorker);
    }
  }
}
