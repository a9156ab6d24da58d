package io.capstan.api.job;

/** Labels with a meaning to Capstan itself. */
public final class JobLabels {
  private JobLabels() {}

  /**
   * Of an MPI job: the slots of each MPI host (each worker, and the launcher when it runs ranks
   * too) in the hostfile that the launcher's {@code mpirun} reads; absent means 1. Set from an
   * MPIJob's {@code spec.slotsPerWorker}.
   */
  public static final String MPI_SLOTS_PER_WORKER = "capstan.io/mpi-slots-per-worker";

  /**
   * Of an MPI job: {@code "true"} when the launcher is an MPI host too and runs ranks itself (an
   * MPIJob's {@code spec.runLauncherAsWorker}).
   */
  public static final String MPI_LAUNCHER_AS_WORKER = "capstan.io/mpi-launcher-as-worker";
}
