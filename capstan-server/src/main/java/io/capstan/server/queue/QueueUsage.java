package io.capstan.server.queue;

import io.capstan.api.job.JobPhase;
import io.capstan.api.job.Resources;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.cluster.ResourceAmounts;
import io.capstan.server.job.JobRecord;
import java.util.List;

/**
 * What a project's jobs hold and wait for: a job holds its resources from admission until the
 * runtime released its replicas, so a preempted job back in the queue still holds them while its
 * replicas stop (as the scheduler and the nodes count them).
 *
 * @param used resources held
 * @param running jobs holding resources, other than preempted ones that are stopping
 * @param pending jobs waiting for admission
 */
record QueueUsage(ResourceAmounts used, int running, int pending) {
  static final QueueUsage NONE = new QueueUsage(ResourceAmounts.ZERO, 0, 0);

  static QueueUsage of(String project, List<JobRecord> live) {
    QueueUsage usage = NONE;
    for (JobRecord job : live) {
      if (job.project().equals(project)) {
        usage = usage.add(of(job));
      }
    }
    return usage;
  }

  private static QueueUsage of(JobRecord job) {
    ResourceAmounts used =
        job.holdsResources() ? amounts(job.spec().totalResources()) : ResourceAmounts.ZERO;
    if (job.phase() == JobPhase.QUEUED) {
      return new QueueUsage(used, 0, 1);
    }
    return new QueueUsage(used, job.holdsResources() ? 1 : 0, 0);
  }

  QueueUsage add(QueueUsage other) {
    return new QueueUsage(used.add(other.used), running + other.running, pending + other.pending);
  }

  static ResourceAmounts amounts(Resources resources) {
    return new ResourceAmounts(
        resources.cpuMillis(),
        resources.memoryBytes(),
        (long) resources.gpus() * PodDemand.WHOLE_GPU);
  }
}
