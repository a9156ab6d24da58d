package io.capstan.server.notebook;

import io.capstan.api.job.PriorityClass;
import io.capstan.runtime.PortSpec;
import io.capstan.runtime.ReadinessSpec;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.server.job.JobRecord;
import io.capstan.server.job.WorkloadKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Notebook servers: one Jupyter each, run until stopped (by a user or the idle culler), restarted
 * after a crash up to {@link #MAX_RESTARTS} times, listening on one port behind the control plane's
 * proxy. Each gets a token only Capstan knows ({@link NotebookTokens}), handed over in a variable
 * that Jupyter's start-up config reads and removes, so kernels and their output never see it.
 */
final class NotebookKind implements WorkloadKind {
  /** The kind's name, stored with each notebook workload. */
  static final String NAME = "Notebook";

  /** Jupyter's port (Jupyter's default). */
  static final PortSpec HTTP = new PortSpec("http", 8888);

  /** The variable that carries the token to Jupyter's config, which removes it. */
  static final String TOKEN_VARIABLE = "CAPSTAN_NOTEBOOK_TOKEN";

  /** Where the server reads its config ({@link NotebookJobs#CONFIG}). */
  static final String CONFIG_PATH = "/capstan/notebook/capstan_notebook_config.py";

  /** Restarts of a crashed server before the notebook is Failed. */
  static final int MAX_RESTARTS = 3;

  /**
   * The priority of a notebook idle for the reclaim time: the lowest there is, so that any waiting
   * work its resources would admit preempts it before anything else (decision 128).
   */
  static final int RECLAIMABLE_PRIORITY = PriorityClass.MIN;

  private final NotebookTokens tokens;
  private final Duration probePeriod;
  private final IdleCuller culler;
  private final Duration reclaimAfter;

  /**
   * @param reclaimAfter the idle time after which a notebook is at {@link #RECLAIMABLE_PRIORITY};
   *     zero: never
   */
  NotebookKind(
      NotebookTokens tokens, Duration probePeriod, IdleCuller culler, Duration reclaimAfter) {
    this.tokens = tokens;
    this.probePeriod = probePeriod;
    this.culler = culler;
    this.reclaimAfter = reclaimAfter;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean longRunning() {
    return true;
  }

  /**
   * Its spec's priority (interactive, above batch) while in use; the lowest once idle for the
   * reclaim time, so waiting work takes its resources first.
   */
  @Override
  public int priority(JobRecord job, Instant now) {
    return job.owner() != null && culler.idleFor(job.owner(), reclaimAfter)
        ? RECLAIMABLE_PRIORITY
        : job.spec().priority();
  }

  @Override
  public boolean succeeded(JobRecord job, Map<String, ReplicaObservation> observed) {
    return false;
  }

  @Override
  public String successMessage(JobRecord job, Map<String, ReplicaObservation> observed) {
    throw new IllegalStateException("A notebook server never succeeds on its own");
  }

  @Override
  public Verdict onFailure(JobRecord job, ReplicaObservation failed, String what) {
    if (job.restarts() >= MAX_RESTARTS) {
      return Verdict.fail(
          "BackoffLimitExceeded",
          what
              + "; the notebook server failed "
              + (job.restarts() + 1)
              + " times, more than the "
              + MAX_RESTARTS
              + " restarts allowed (see capstan notebook logs)");
    }
    return Verdict.restart(
        "ServerFailed", what + "; restarting it (restart " + (job.restarts() + 1) + ")");
  }

  /**
   * Adds the token (in the environment, for the config file to take), the config file, the port and
   * a readiness probe on Jupyter's version endpoint, which needs no token and is no activity.
   */
  @Override
  public ReplicaLaunch complete(JobRecord job, ReplicaLaunch launch) {
    String base = NotebookJobs.basePath(job);
    ReadinessSpec readiness =
        ReadinessSpec.httpGet(HTTP.name(), base + "api")
            .withPeriod(probePeriod)
            .withTimeout(Duration.ofSeconds(1));
    return launch.toBuilder()
        .env(TOKEN_VARIABLE, tokens.token(job.uid()))
        .file(CONFIG_PATH, NotebookJobs.CONFIG)
        .port(HTTP.name(), HTTP.containerPort())
        .readiness(readiness)
        .build();
  }

  /** The control plane's proxy calls it. */
  @Override
  public boolean needsNoNetwork(JobRecord job) {
    return false;
  }
}
