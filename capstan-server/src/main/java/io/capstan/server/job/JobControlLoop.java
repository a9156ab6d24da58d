package io.capstan.server.job;

import io.capstan.runtime.WorkloadRuntime;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Drives {@link JobReconciler#runOnce()} on one thread: every interval, and at once when woken by a
 * submission or cancellation.
 */
public final class JobControlLoop implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(JobControlLoop.class);

  private final JobReconciler reconciler;
  private final WorkloadRuntime runtime;
  private final Duration interval;
  private final Semaphore wakeups = new Semaphore(0);
  private volatile Thread thread;
  private volatile boolean running;

  JobControlLoop(JobReconciler reconciler, WorkloadRuntime runtime, Duration interval) {
    this.reconciler = reconciler;
    this.runtime = runtime;
    this.interval = interval;
  }

  /** Asks for a reconcile pass now. */
  public void wake() {
    wakeups.release();
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
    running = true;
    thread = new Thread(this::loop, "capstan-job-controller");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void stop() {
    running = false;
    Thread current = thread;
    if (current != null) {
      current.interrupt();
      try {
        current.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private void loop() {
    while (running) {
      try {
        reconciler.runOnce();
        if (wakeups.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS)) {
          wakeups.drainPermits();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.error("Job controller pass failed; retrying", e);
        sleepQuietly();
      }
    }
  }

  private void sleepQuietly() {
    try {
      Thread.sleep(interval.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }
}
