package io.capstan.server.model;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.job.JobEvent;
import io.capstan.api.job.JobPhase;
import io.capstan.api.job.ModelOutput;
import io.capstan.api.model.ModelVersionView;
import io.capstan.server.job.JobRecord;
import io.capstan.server.job.JobStore;
import io.capstan.server.job.SucceededJobListener;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers a job's declared output ({@code spec.registerModel} or the {@code
 * capstan.io/register-model} annotation) when the job succeeds, and says so in the job's events:
 * {@code ModelRegistered}, or {@code ModelRegistrationFailed} with the reason (file missing, not
 * ONNX, too large). The job stays Succeeded either way: its run did succeed.
 */
final class JobOutputRegistrar implements SucceededJobListener {
  /** The {@code registeredBy} of versions registered on a job's success. */
  static final String REGISTERED_BY = "job-controller";

  private static final Logger log = LoggerFactory.getLogger(JobOutputRegistrar.class);

  private final JobOutputs outputs;
  private final ModelStore models;
  private final JobStore jobs;
  private final Clock clock;

  JobOutputRegistrar(JobOutputs outputs, ModelStore models, JobStore jobs, Clock clock) {
    this.outputs = requireNonNull(outputs, "outputs is null");
    this.models = requireNonNull(models, "models is null");
    this.jobs = requireNonNull(jobs, "jobs is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  @Override
  public boolean jobSucceeded(JobRecord job) {
    ModelOutput output = job.spec().registerModel();
    if (output == null
        || models.versionFromJob(job.project(), output.model(), job.uid()).isPresent()) {
      return true; // Nothing declared, or registered on an earlier pass.
    }
    try {
      ModelVersionView version =
          outputs.register(
              job,
              output.model(),
              output.path(),
              new VersionDetails(null, null, null),
              REGISTERED_BY);
      event(
          job,
          "ModelRegistered",
          "Registered output "
              + output.path()
              + " as model "
              + output.model()
              + " version "
              + version.version());
    } catch (CapstanException | java.io.UncheckedIOException e) {
      log.warn(
          "Job {}/{}: registering output {} as model {} failed",
          job.project(),
          job.name(),
          output.path(),
          output.model(),
          e);
      event(
          job,
          "ModelRegistrationFailed",
          "Could not register output "
              + output.path()
              + " as model "
              + output.model()
              + ": "
              + e.getMessage());
    }
    return true;
  }

  private void event(JobRecord job, String reason, String message) {
    jobs.addEvent(job.uid(), new JobEvent(clock.instant(), JobPhase.SUCCEEDED, reason, message));
  }
}
