package io.capstan.server.dataset;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.DatasetMount;
import io.capstan.api.job.JobView;
import io.capstan.server.job.JobService;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/** The unfinished jobs that mount a dataset version. */
@Component
final class JobDatasetUsers implements DatasetUsers {
  private final JobService jobs;

  JobDatasetUsers(JobService jobs) {
    this.jobs = requireNonNull(jobs, "jobs is null");
  }

  @Override
  public List<String> users(String project, String name, Integer version, List<String> projects) {
    List<String> users = new ArrayList<>();
    for (String jobProject : projects) {
      for (JobView job : jobs.list(jobProject)) {
        if (!job.status().phase().isTerminal() && mounts(job, jobProject, project, name, version)) {
          users.add("job " + jobProject + "/" + job.name());
        }
      }
    }
    return users;
  }

  private static boolean mounts(
      JobView job, String jobProject, String project, String name, Integer version) {
    for (DatasetMount mount : job.spec().datasets()) {
      String owner = mount.project() == null ? jobProject : mount.project();
      if (owner.equals(project)
          && mount.name().equals(name)
          && (version == null || mount.version() == version)) {
        return true;
      }
    }
    return false;
  }
}
