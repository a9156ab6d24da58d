package io.capstan.server.experiment;

import io.capstan.api.ApiPaths;
import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.experiment.ExperimentView;
import io.capstan.api.experiment.ResumeRequest;
import io.capstan.api.experiment.TrialView;
import io.capstan.api.identity.ProjectRole;
import io.capstan.server.ServerConfig;
import io.capstan.server.identity.Access;
import io.capstan.server.identity.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The experiment endpoints of {@link ApiPaths}: members read, editors create, stop and delete. */
@RestController
public class ExperimentResource {
  private final ExperimentService experiments;
  private final Access access;
  private final long maxSpecBytes;

  ExperimentResource(ExperimentService experiments, Access access, ServerConfig config) {
    this.experiments = experiments;
    this.access = access;
    this.maxSpecBytes = config.maxSpecBytes();
  }

  /** Creates a Katib Experiment from its YAML or JSON. */
  @PostMapping(path = ApiPaths.EXPERIMENTS, produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<ExperimentView> create(
      Caller caller, @PathVariable String project, HttpServletRequest request) throws IOException {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    String text = readBounded(request);
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(experiments.create(project, text, caller.user()));
  }

  @GetMapping(path = ApiPaths.EXPERIMENTS, produces = MediaType.APPLICATION_JSON_VALUE)
  public List<ExperimentView> list(Caller caller, @PathVariable String project) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return experiments.list(project);
  }

  @GetMapping(path = ApiPaths.EXPERIMENT, produces = MediaType.APPLICATION_JSON_VALUE)
  public ExperimentView get(
      Caller caller, @PathVariable String project, @PathVariable String experiment) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return experiments.get(project, experiment);
  }

  @GetMapping(path = ApiPaths.EXPERIMENT_TRIALS, produces = MediaType.APPLICATION_JSON_VALUE)
  public List<TrialView> trials(
      Caller caller, @PathVariable String project, @PathVariable String experiment) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return experiments.trials(project, experiment);
  }

  @PostMapping(path = ApiPaths.EXPERIMENT_STOP, produces = MediaType.APPLICATION_JSON_VALUE)
  public ExperimentView stop(
      Caller caller, @PathVariable String project, @PathVariable String experiment) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    return experiments.stop(project, experiment, caller.user());
  }

  /** Resumes a stopped experiment, or one that reached maxTrialCount with a larger one. */
  @PostMapping(path = ApiPaths.EXPERIMENT_RESUME, produces = MediaType.APPLICATION_JSON_VALUE)
  public ExperimentView resume(
      Caller caller,
      @PathVariable String project,
      @PathVariable String experiment,
      @RequestBody(required = false) ResumeRequest request) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    return experiments.resume(
        project,
        experiment,
        caller.user(),
        request == null ? null : request.maxTrialCount(),
        request == null ? null : request.parallelTrialCount());
  }

  /** 202: the controller deletes the trials' jobs, then the experiment. */
  @DeleteMapping(path = ApiPaths.EXPERIMENT)
  public ResponseEntity<Void> delete(
      Caller caller, @PathVariable String project, @PathVariable String experiment) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    experiments.delete(project, experiment);
    return ResponseEntity.status(HttpStatus.ACCEPTED).build();
  }

  private String readBounded(HttpServletRequest request) throws IOException {
    if (request.getContentLengthLong() > maxSpecBytes) {
      throw tooLarge();
    }
    try (InputStream in = request.getInputStream()) {
      byte[] bytes = in.readNBytes((int) maxSpecBytes + 1);
      if (bytes.length > maxSpecBytes) {
        throw tooLarge();
      }
      if (bytes.length == 0) {
        throw CapstanException.invalidSpec(
            "body", "Expected a Katib Experiment as YAML or JSON, but the body is empty");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private CapstanException tooLarge() {
    return new CapstanException(
        ErrorCode.PAYLOAD_TOO_LARGE,
        "body",
        "Expected an experiment of at most " + maxSpecBytes + " bytes, but it is larger");
  }
}
