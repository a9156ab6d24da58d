package io.capstan.api.job;

/** Labels with a meaning to Capstan itself. */
public final class JobLabels {
  private JobLabels() {}

  /**
   * {@code "true"} marks a workload meant to run until stopped (a serving replica, a notebook):
   * least-attained-service ordering never demotes it, since its service only grows. Higher priority
   * and reclaim of lent quota still preempt it.
   */
  public static final String LONG_RUNNING = "capstan.io/long-running";

  /** The inference service a serving replica belongs to (its uid). */
  public static final String SERVICE = "capstan.io/service";

  /**
   * The model file (a path on the machine that runs it) a serving replica reads, mounted read-only
   * at {@link #MODEL_FILE_PATH}. Set by Capstan only: a submitted spec with this label is refused.
   */
  public static final String MODEL_FILE = "capstan.io/model-file";

  /** Where a serving replica sees the file of {@link #MODEL_FILE}. */
  public static final String MODEL_FILE_PATH = "/capstan/model/model.onnx";

  /** The model version a serving replica serves. */
  public static final String MODEL_VERSION = "capstan.io/model-version";

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
