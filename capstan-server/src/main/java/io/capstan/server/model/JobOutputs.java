package io.capstan.server.model;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.job.JobPhase;
import io.capstan.api.job.ModelOutput;
import io.capstan.api.model.Lineage;
import io.capstan.api.model.ModelVersionView;
import io.capstan.server.artifact.ArtifactStore;
import io.capstan.server.job.JobOutputCollector;
import io.capstan.server.job.JobRecord;
import io.capstan.server.job.JobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Registers files of a succeeded job's output as model versions, with lineage to the job and the
 * numbers of its {@code metrics.json} (top-level numeric fields) as metrics. It reads them from the
 * artifact store, where {@link JobOutputCollector} copied the job's output volume when the job
 * succeeded, never from a disk of a replica.
 */
public final class JobOutputs {
  private static final Logger log = LoggerFactory.getLogger(JobOutputs.class);
  static final String METRICS_FILE = "metrics.json";

  private final ModelRegistry registry;
  private final JobStore jobs;
  private final ArtifactStore artifacts;
  private final JobOutputCollector collector;
  private final JsonMapper json;

  JobOutputs(
      ModelRegistry registry,
      JobStore jobs,
      ArtifactStore artifacts,
      JobOutputCollector collector,
      JsonMapper json) {
    this.registry = requireNonNull(registry, "registry is null");
    this.jobs = requireNonNull(jobs, "jobs is null");
    this.artifacts = requireNonNull(artifacts, "artifacts is null");
    this.collector = requireNonNull(collector, "collector is null");
    this.json = requireNonNull(json, "json is null");
  }

  /** The succeeded job {@code name} of {@code project}; NOT_FOUND or INVALID_STATE naming job. */
  JobRecord succeededJob(String project, String name) {
    if (name == null || name.isBlank()) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT, "job", "Expected job to name a job, but it is missing");
    }
    JobRecord job =
        jobs.find(project, name)
            .orElseThrow(
                () ->
                    new CapstanException(
                        ErrorCode.NOT_FOUND,
                        "job",
                        "Job '" + name + "' not found in project '" + project + "'"));
    if (job.phase() != JobPhase.SUCCEEDED) {
      throw new CapstanException(
          ErrorCode.INVALID_STATE,
          "job",
          "Expected job '"
              + name
              + "' to have succeeded, but it is "
              + job.phase().wireName()
              + "; only a succeeded job's output can be registered");
    }
    if (!collector.view(job).collected()) {
      throw new CapstanException(
          ErrorCode.INVALID_STATE,
          "job",
          "Expected the output of job '"
              + name
              + "' to be collected into the artifact store, but it is still being copied; try"
              + " again in a moment (capstan wait "
              + name
              + " returns once it is)");
    }
    return job;
  }

  /** Registers {@code path} of {@code job}'s output as the next version of {@code model}. */
  ModelVersionView register(
      JobRecord job, String model, String path, VersionDetails details, String user) {
    String relative = ModelOutput.checkPath(path == null ? ModelOutput.DEFAULT_PATH : path, "path");
    String key = outputKey(job, relative);
    VersionDetails withMetrics = details.withDefaultMetrics(metrics(job));
    Lineage lineage =
        new Lineage(user, job.project(), job.name(), job.uid(), job.attempt(), relative);
    try (InputStream in = artifacts.open(key)) {
      return registry.register(job.project(), model, in, "path", withMetrics, lineage);
    } catch (NoSuchElementException e) {
      throw new CapstanException(
          ErrorCode.NOT_FOUND,
          "path",
          "File '"
              + relative
              + "' not found in the collected output of job '"
              + job.name()
              + "' (its events name the files that were not collected, and why)");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + key, e);
    }
  }

  /** The artifact key of a collected output file; INVALID_ARGUMENT naming path when none can be. */
  private static String outputKey(JobRecord job, String relative) {
    try {
      return JobOutputCollector.key(job.uid(), relative);
    } catch (IllegalArgumentException e) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          "path",
          "Expected path to name a collected output file (segments of letters, digits, '.', '_'"
              + " and '-'), but '"
              + relative
              + "' is not one the artifact store takes, so it was not collected");
    }
  }

  /** The top-level numbers of the job's metrics.json; none when it is absent or unreadable. */
  Map<String, Double> metrics(JobRecord job) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    String key = JobOutputCollector.key(job.uid(), METRICS_FILE);
    try (InputStream in = artifacts.open(key)) {
      JsonNode tree = json.readTree(in);
      for (Map.Entry<String, JsonNode> field : tree.properties()) {
        if (field.getValue().isNumber() && Double.isFinite(field.getValue().asDouble())) {
          metrics.put(field.getKey(), field.getValue().asDouble());
        }
      }
    } catch (NoSuchElementException e) {
      return metrics;
    } catch (IOException | JacksonException e) {
      // metrics.json is the job's own business; a broken one means no metrics, not no model.
      log.warn("Ignoring unreadable {} of job {}/{}", key, job.project(), job.name(), e);
      return Map.of();
    }
    return metrics;
  }
}
