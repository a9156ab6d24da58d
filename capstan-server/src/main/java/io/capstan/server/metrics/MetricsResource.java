package io.capstan.server.metrics;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.error.CapstanException;
import io.capstan.api.identity.ProjectRole;
import io.capstan.api.job.JobMetricsView;
import io.capstan.api.job.MetricSeriesView;
import io.capstan.server.identity.Access;
import io.capstan.server.identity.Caller;
import io.capstan.server.job.JobRecord;
import io.capstan.server.job.JobService;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A job's training metrics, for the project's members. */
@RestController
class MetricsResource {
  private final MetricsStore store;
  private final MetricFileOffsets files;
  private final JobService jobs;
  private final Access access;

  MetricsResource(MetricsStore store, MetricFileOffsets files, JobService jobs, Access access) {
    this.store = requireNonNull(store, "store is null");
    this.files = requireNonNull(files, "files is null");
    this.jobs = requireNonNull(jobs, "jobs is null");
    this.access = requireNonNull(access, "access is null");
  }

  @GetMapping(path = ApiPaths.JOB_METRICS, produces = MediaType.APPLICATION_JSON_VALUE)
  JobMetricsView metrics(Caller caller, @PathVariable String project, @PathVariable String job) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    JobRecord record = jobs.find(project, job);
    return new JobMetricsView(
        record.name(),
        store.last(record.uid()).stream()
            .map(
                last ->
                    new JobMetricsView.Latest(
                        last.name(),
                        last.replica(),
                        last.step(),
                        last.value(),
                        last.at(),
                        last.points()))
            .toList(),
        files.skipped(record.uid()));
  }

  /**
   * {@link ApiPaths#JOB_METRIC}, where the name is the rest of the path: a TensorBoard tag such as
   * {@code train/loss} is asked for as it is ({@code .../metrics/train/loss}).
   */
  @GetMapping(
      path = ApiPaths.JOB_METRICS + "/{*metric}",
      produces = MediaType.APPLICATION_JSON_VALUE)
  MetricSeriesView series(
      Caller caller,
      @PathVariable String project,
      @PathVariable String job,
      @PathVariable("metric") String path,
      @RequestParam(required = false) String replica) {
    String metric = path.startsWith("/") ? path.substring(1) : path;
    access.requireProject(caller, project, ProjectRole.VIEWER);
    JobRecord record = jobs.find(project, job);
    List<MetricsStore.Last> series =
        store.last(record.uid()).stream()
            .filter(last -> last.name().equals(metric))
            .filter(last -> replica == null || last.replica().equals(replica))
            .toList();
    if (series.isEmpty()) {
      throw CapstanException.notFound(
          "Job '"
              + job
              + "' has no metric '"
              + metric
              + "'"
              + (replica == null ? "" : " from replica '" + replica + "'")
              + "; 'capstan metrics "
              + job
              + "' lists the ones it has");
    }
    boolean truncated = series.stream().anyMatch(s -> store.truncated(s.points()));
    return new MetricSeriesView(
        record.name(),
        metric,
        store.points(record.uid(), metric, replica).stream()
            .map(p -> new MetricSeriesView.Point(p.replica(), p.step(), p.value(), p.at()))
            .toList(),
        truncated);
  }
}
