package io.capstan.server.job;

import io.capstan.server.control.KeyedController;
import io.capstan.server.control.Leadership;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.springframework.context.SmartLifecycle;

/**
 * Drives the {@link JobReconciler} on one thread of its own, key by key ({@link KeyedController}):
 * a job's uid when it was submitted, cancelled or deleted, the scheduler cycle when something
 * waits, and every live job once per resync interval.
 */
public final class JobControlLoop implements SmartLifecycle {
  private final JobReconciler reconciler;
  private final KeyedController<String> controller;

  JobControlLoop(
      JobReconciler reconciler,
      io.capstan.server.control.WorkQueue<String> queue,
      Duration interval,
      Clock clock,
      Leadership leadership) {
    this.reconciler = reconciler;
    this.controller =
        new KeyedController<>(
            "capstan-job-controller",
            queue,
            reconciler::reconcile,
            reconciler::resyncKeys,
            interval,
            clock,
            leadership);
  }

  /** Asks for a scheduler cycle now (after a submission). */
  public void admit() {
    controller.enqueue(JobReconciler.ADMISSION);
  }

  /** Asks for a look at the job {@code uid} now (after a cancel or a delete was recorded). */
  void enqueue(String uid) {
    controller.enqueue(uid);
  }

  /** Completes once the job {@code uid}, asked to be deleted, is gone. */
  CompletableFuture<Void> deleted(String uid) {
    return reconciler.deleted(uid);
  }

  /** Reconciles whatever is due now on the caller's thread (tests on a controllable clock). */
  int runDue() {
    return controller.runDue();
  }

  @Override
  public void start() {
    controller.start();
  }

  @Override
  public void stop() {
    controller.stop();
  }

  @Override
  public boolean isRunning() {
    return controller.isRunning();
  }
}
