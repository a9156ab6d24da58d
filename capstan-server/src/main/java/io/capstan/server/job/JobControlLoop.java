package io.capstan.server.job;

import io.capstan.runtime.WorkloadRuntime;
import io.capstan.server.control.ControlLoop;
import java.time.Duration;
import org.springframework.context.SmartLifecycle;

/**
 * Drives {@link JobReconciler#runOnce()} on one thread: every interval, and at once when woken by a
 * submission or cancellation.
 */
public final class JobControlLoop implements SmartLifecycle {
  private final JobReconciler reconciler;
  private final WorkloadRuntime runtime;
  private final ControlLoop loop;

  JobControlLoop(JobReconciler reconciler, WorkloadRuntime runtime, Duration interval) {
    this.reconciler = reconciler;
    this.runtime = runtime;
    this.loop = new ControlLoop("capstan-job-controller", reconciler::runOnce, interval);
  }

  /** Asks for a reconcile pass now. */
  public void wake() {
    loop.wake();
  }

  void stopReplicas(String uid) {
    reconciler.stop(uid);
  }

  /** Stops and forgets a job's replicas (for delete). */
  void release(String uid) {
    runtime.release(uid);
  }

  @Override
  public void start() {
    loop.start();
  }

  @Override
  public void stop() {
    loop.stop();
  }

  @Override
  public boolean isRunning() {
    return loop.isRunning();
  }
}
