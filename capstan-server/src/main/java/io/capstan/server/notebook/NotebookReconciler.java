package io.capstan.server.notebook;

import io.capstan.api.job.JobPhase;
import io.capstan.server.job.JobRecord;
import io.capstan.server.job.JobService;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of the notebook controller: culls idle servers (their resources go back to the queue,
 * their workspaces stay), finishes deletions once a notebook's server has stopped, and deletes
 * notebook workloads whose notebook is gone. Level-triggered: a pass that fails for one notebook
 * goes on with the next, and the next pass tries again.
 */
final class NotebookReconciler {
  private static final Logger log = LoggerFactory.getLogger(NotebookReconciler.class);
  private static final String CONTROLLER = "the notebook controller";

  private final NotebookService notebooks;
  private final JobService jobs;
  private final JupyterKernels kernels;
  private final IdleCuller culler;
  private final Duration reclaimAfter;

  NotebookReconciler(
      NotebookService notebooks,
      JobService jobs,
      JupyterKernels kernels,
      IdleCuller culler,
      Duration reclaimAfter) {
    this.notebooks = notebooks;
    this.jobs = jobs;
    this.kernels = kernels;
    this.culler = culler;
    this.reclaimAfter = reclaimAfter;
  }

  /** Reconciles every notebook, then sweeps orphaned workloads. */
  void runOnce() {
    for (NotebookRecord notebook : notebooks.all()) {
      try {
        reconcile(notebook);
      } catch (RuntimeException e) {
        log.warn(
            "Notebook controller pass failed for {}/{}", notebook.project(), notebook.name(), e);
      }
    }
    deleteOrphans();
  }

  private void reconcile(NotebookRecord notebook) {
    switch (notebook.desired()) {
      case DELETING -> notebooks.finishDelete(notebook);
      case STOPPED -> culler.forget(notebook.uid());
      case RUNNING -> {
        if (!stopIfReclaimed(notebook)) {
          cullIfIdle(notebook);
        }
      }
    }
  }

  /**
   * Stops a notebook whose server was preempted while it was idle for the reclaim time (it was at
   * {@link NotebookKind#RECLAIMABLE_PRIORITY}): its resources went to waiting work, and it is not
   * to queue up to take them back. A notebook preempted while in use goes back to the queue as any
   * workload does.
   */
  private boolean stopIfReclaimed(NotebookRecord notebook) {
    Optional<JobRecord> job = notebooks.currentJob(notebook);
    if (job.isEmpty()
        || job.get().phase() != JobPhase.QUEUED
        || !"Preempted".equals(job.get().reason())
        || !culler.idleFor(notebook.uid(), reclaimAfter)) {
      return false;
    }
    String preemption = job.get().message() == null ? "" : job.get().message();
    int end = preemption.indexOf(';');
    String why =
        "Stopped after "
            + NotebookDurations.format(
                culler.idle(culler.lastActivity(notebook.uid()).orElseThrow()))
            + " idle (the reclaim time is "
            + NotebookDurations.format(reclaimAfter)
            + "): its resources went to waiting work ("
            + (end < 0 ? preemption : preemption.substring(0, end))
            + "); the workspace is kept";
    log.info("Reclaimed idle notebook {}/{}: {}", notebook.project(), notebook.name(), why);
    notebooks.stop(notebook, "Reclaimed", why, CONTROLLER);
    return true;
  }

  private void cullIfIdle(NotebookRecord notebook) {
    Optional<JobRecord> job = notebooks.currentJob(notebook);
    if (job.isEmpty() || job.get().phase() != JobPhase.RUNNING) {
      return;
    }
    Optional<NotebookService.Target> target = notebooks.target(notebook.project(), notebook.name());
    if (target.isEmpty()) {
      return;
    }
    try {
      culler.polled(notebook.uid(), kernels.anyBusy(target.get(), notebook.path()));
    } catch (IOException e) {
      log.debug(
          "Cannot ask notebook {}/{} about its kernels: {}",
          notebook.project(),
          notebook.name(),
          e.getMessage());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    Duration cullAfter = notebooks.cullAfter(notebook);
    culler
        .cullReason(notebook.uid(), cullAfter)
        .ifPresent(
            why -> {
              log.info("Culling idle notebook {}/{}: {}", notebook.project(), notebook.name(), why);
              notebooks.stop(notebook, "Culled", why, CONTROLLER);
            });
  }

  /**
   * Deletes the notebook workloads whose notebook no longer exists (deleted while the control plane
   * was down). The owner is looked up again for each, after the workload was read, so a notebook
   * being created is never taken for gone: its row is stored before its workload.
   */
  private void deleteOrphans() {
    for (JobRecord job : jobs.owned(NotebookKind.NAME)) {
      if (job.deleting() || notebooks.existsUid(job.owner())) {
        continue;
      }
      try {
        jobs.requestDelete(job.project(), job.name(), CONTROLLER);
        log.info(
            "Deleting notebook workload {}/{}: its notebook is gone", job.project(), job.name());
      } catch (RuntimeException e) {
        log.warn("Cannot delete notebook workload {}/{} yet", job.project(), job.name(), e);
      }
    }
  }
}
