package io.capstan.server.volume;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.job.JobView;
import io.capstan.api.job.PodVolume;
import io.capstan.api.volume.VolumeView;
import io.capstan.runtime.ProjectVolumes;
import io.capstan.server.job.JobService;
import java.util.List;
import java.util.Objects;
import org.springframework.stereotype.Service;

/**
 * A project's volumes, as its jobs' {@code persistentVolumeClaim}s mount them (decision 86): listed
 * with their size and the unfinished jobs that mount them, and deleted only when none does, as
 * Kubernetes' protection of a claim in use.
 */
@Service
public class VolumeService {
  private final ProjectVolumes volumes;
  private final JobService jobs;

  VolumeService(io.capstan.runtime.WorkloadRuntime runtime, JobService jobs) {
    this.volumes = requireNonNull(runtime, "runtime is null").projectVolumes();
    this.jobs = requireNonNull(jobs, "jobs is null");
  }

  /** The volumes of {@code project}, by name. */
  public List<VolumeView> list(String project) {
    List<JobView> unfinished = unfinished(project);
    return volumes.list(project).stream()
        .map(
            usage ->
                new VolumeView(
                    usage.claim(), usage.bytes(), usage.files(), users(unfinished, usage.claim())))
        .toList();
  }

  /** One volume of {@code project}. */
  public VolumeView get(String project, String name) {
    return list(project).stream()
        .filter(volume -> volume.name().equals(name))
        .findFirst()
        .orElseThrow(() -> notFound(project, name));
  }

  /** Deletes a volume and its files; refused while an unfinished job of the project mounts it. */
  public void delete(String project, String name) {
    List<String> users = users(unfinished(project), name);
    if (!users.isEmpty()) {
      throw new CapstanException(
          ErrorCode.INVALID_STATE,
          "volume",
          "Expected volume '"
              + name
              + "' to be mounted by no unfinished job before it is deleted, but "
              + users
              + " mount it; delete or wait for them first");
    }
    if (!volumes.delete(project, name)) {
      throw notFound(project, name);
    }
  }

  private List<JobView> unfinished(String project) {
    return jobs.list(project).stream().filter(job -> !job.status().phase().isTerminal()).toList();
  }

  private static List<String> users(List<JobView> unfinished, String claim) {
    return unfinished.stream()
        .filter(
            job ->
                job.spec().replicaGroups().stream()
                    .flatMap(group -> group.pod().volumes().stream())
                    .map(PodVolume::persistentVolumeClaim)
                    .filter(Objects::nonNull)
                    .anyMatch(c -> c.claimName().equals(claim)))
        .map(JobView::name)
        .sorted()
        .toList();
  }

  private static CapstanException notFound(String project, String name) {
    return new CapstanException(
        ErrorCode.NOT_FOUND,
        "volume",
        "Volume '" + name + "' not found in project '" + project + "'");
  }
}
