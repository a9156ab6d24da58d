package io.capstan.server.model;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.job.JobPhase;
import io.capstan.api.job.ModelOutput;
import io.capstan.api.model.Lineage;
import io.capstan.api.model.ModelVersionView;
import io.capstan.server.job.JobDirectories;
import io.capstan.server.job.JobRecord;
import io.capstan.server.job.JobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Registers files of a succeeded job's output directory as model versions, with lineage to the job
 * and the numbers of its {@code metrics.json} (top-level numeric fields) as metrics.
 */
public final class JobOutputs {
  private static final Logger log = LoggerFactory.getLogger(JobOutputs.class);
  static final String METRICS_FILE = "metrics.json";

  private final ModelRegistry registry;
  private final JobStore jobs;
  private final JobDirectories dirs;
  private final JsonMapper json;

  JobOutputs(ModelRegistry registry, JobStore jobs, JobDirectories dirs, JsonMapper json) {
    this.registry = requireNonNull(registry, "registry is null");
    this.jobs = requireNonNull(jobs, "jobs is null");
    this.dirs = requireNonNull(dirs, "dirs is null");
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
    return job;
  }

  /** Registers {@code path} of {@code job}'s output as the next version of {@code model}. */
  ModelVersionView register(
      JobRecord job, String model, String path, VersionDetails details, String user) {
    String relative = ModelOutput.checkPath(path == null ? ModelOutput.DEFAULT_PATH : path, "path");
    Path file = outputFile(job, relative);
    VersionDetails withMetrics = details.withDefaultMetrics(metrics(job));
    Lineage lineage =
        new Lineage(user, job.project(), job.name(), job.uid(), job.attempt(), relative);
    try (InputStream in = Files.newInputStream(file)) {
      return registry.register(job.project(), model, in, "path", withMetrics, lineage);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  /** The file, which must exist inside the job's output directory (symbolic links included). */
  private Path outputFile(JobRecord job, String relative) {
    Path output = dirs.output(job.uid()).toAbsolutePath().normalize();
    Path file = output.resolve(relative).normalize();
    if (!Files.isRegularFile(file)) {
      throw new CapstanException(
          ErrorCode.NOT_FOUND,
          "path",
          "File '" + relative + "' not found in the output of job '" + job.name() + "'");
    }
    try {
      if (!file.toRealPath().startsWith(output.toRealPath())) {
        throw new CapstanException(
            ErrorCode.INVALID_ARGUMENT,
            "path",
            "Expected path to stay inside the output of job '"
                + job.name()
                + "', but '"
                + relative
                + "' links outside it");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot resolve " + file, e);
    }
    return file;
  }

  /** The top-level numbers of the job's metrics.json; none when it is absent or unreadable. */
  Map<String, Double> metrics(JobRecord job) {
    Path file = dirs.output(job.uid()).resolve(METRICS_FILE);
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      return metrics;
    }
    try {
      JsonNode tree = json.readTree(Files.readString(file));
      for (Map.Entry<String, JsonNode> field : tree.properties()) {
        if (field.getValue().isNumber() && Double.isFinite(field.getValue().asDouble())) {
          metrics.put(field.getKey(), field.getValue().asDouble());
        }
      }
    } catch (IOException | JacksonException e) {
      // metrics.json is the job's own business; a broken one means no metrics, not no model.
      log.warn("Ignoring unreadable {} of job {}/{}", file, job.project(), job.name(), e);
      return Map.of();
    }
    return metrics;
  }
}
