package io.capstan.server.queue;

import io.capstan.api.job.JobPhase;
import io.capstan.api.job.Resources;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.cluster.ResourceAmounts;
import io.capstan.server.job.JobRecord;
import java.util.List;

/**
 * What a project's jobs hold and wait for: a job holds its resources from admission until the
 * runtime released its replicas.
 *
 * @param used resources held
 * @param running jobs holding resources
 * @param pending jobs waiting for admission
 */
record QueueUsage(ResourceAmounts used, int running, int pending) {
  static QueueUsage of(String project, List<JobRecord> live) {
    ResourceAmounts used = ResourceAmounts.ZERO;
    int running = 0;
    int pending = 0;
    for (JobRecord job : live) {
      if (!job.project().equals(project)) {
        continue;
      }
      if (job.phase() == JobPhase.QUEUED) {
        pending++;
      } else if (holds(job)) {
        running++;
        used = used.add(amounts(job.spec().totalResources()));
      }
    }
    return new QueueUsage(used, running, pending);
  }

  static boolean holds(JobRecord job) {
    return job.attempt() > 0 && !job.released() && job.phase() != JobPhase.QUEUED;
  }

  static ResourceAmounts amounts(Resources resources) {
    return new ResourceAmounts(
        resources.cpuMillis(),
        resources.memoryBytes(),
        (long) resources.gpus() * PodDemand.WHOLE_GPU);
  }
}
