package io.capstan.server.job;

import io.capstan.api.ApiPaths;
import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.identity.ProjectRole;
import io.capstan.api.job.JobOutputsView;
import io.capstan.api.job.JobPhase;
import io.capstan.api.job.JobView;
import io.capstan.api.job.LogStream;
import io.capstan.api.job.SubmitResponse;
import io.capstan.runtime.ReplicaId;
import io.capstan.server.ServerConfig;
import io.capstan.server.audit.AuditNote;
import io.capstan.server.identity.Access;
import io.capstan.server.identity.Authenticator;
import io.capstan.server.identity.Caller;
import io.capstan.server.identity.Revocations;
import io.capstan.server.identity.SessionCookies;
import io.capstan.server.logs.LogArchive;
import io.capstan.server.logs.LogLines;
import io.capstan.server.logs.LogShipper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** The training-job endpoints of {@link ApiPaths}. */
@RestController
public class JobResource {
  /** The response header of a job list: how many jobs match its filters, over all pages. */
  public static final String TOTAL_COUNT = "X-Total-Count";

  private static final int MAX_LIMIT = 1000;
  private final JobService jobs;
  private final Access access;
  private final Authenticator authenticator;
  private final Revocations revocations;
  private final LogArchive logs;
  private final LogShipper shipper;
  private final long maxSpecBytes;
  private final Clock clock;

  JobResource(
      JobService jobs,
      Access access,
      Authenticator authenticator,
      Revocations revocations,
      LogArchive logs,
      LogShipper shipper,
      ServerConfig config,
      Clock clock) {
    this.jobs = jobs;
    this.access = access;
    this.authenticator = authenticator;
    this.revocations = revocations;
    this.logs = logs;
    this.shipper = shipper;
    this.maxSpecBytes = config.maxSpecBytes();
    this.clock = clock;
  }

  /**
   * Submits a spec: Capstan TrainingJob, Kubeflow PyTorchJob, TFJob, TrainJob or MPIJob, or a
   * Kubernetes batch/v1 Job, YAML or JSON.
   */
  @PostMapping(path = ApiPaths.JOBS, produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<SubmitResponse> submit(
      Caller caller, AuditNote audit, @PathVariable String project, HttpServletRequest request)
      throws IOException {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    String text = readBounded(request);
    SubmitResponse submitted = jobs.submit(project, text, caller.user());
    audit
        .object("job", submitted.name())
        .after(Map.of("uid", submitted.uid(), "phase", submitted.phase()));
    return ResponseEntity.status(HttpStatus.CREATED).body(submitted);
  }

  /** The project's jobs, filtered and paged (see {@link ApiPaths#JOBS}). */
  @GetMapping(path = ApiPaths.JOBS, produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<List<JobView>> list(
      Caller caller,
      @PathVariable String project,
      @RequestParam(required = false) String phase,
      @RequestParam(required = false) String kind,
      @RequestParam(required = false) String q,
      @RequestParam(required = false) String user,
      @RequestParam(required = false) String order,
      @RequestParam(defaultValue = "0") int offset,
      @RequestParam(required = false) Integer limit) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    if (offset < 0) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          "offset",
          "Expected offset to be a number of jobs of at least 0, but was " + offset);
    }
    if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          "limit",
          "Expected limit to be between 1 and " + MAX_LIMIT + ", but was " + limit);
    }
    if (order != null && !order.equals("oldest") && !order.equals("newest")) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          "order",
          "Expected order to be oldest or newest, but was '" + order + "'");
    }
    JobQuery query =
        new JobQuery(
            phase == null ? null : parsePhase(phase),
            kind,
            q,
            user,
            "newest".equals(order),
            offset,
            limit);
    JobService.Page page = jobs.page(project, query);
    return ResponseEntity.ok().header(TOTAL_COUNT, Long.toString(page.total())).body(page.jobs());
  }

  /**
   * A job: Capstan's view, or with {@code form=kubeflow} the form its controller on a cluster
   * writes: the Training Operator's of a PyTorchJob, TFJob or MPIJob (its conditions and replica
   * statuses, see {@link KubeflowJobView}), Kubernetes' of a batch/v1 Job ({@link BatchJobView}).
   */
  @GetMapping(path = ApiPaths.JOB, produces = MediaType.APPLICATION_JSON_VALUE)
  public Object get(
      Caller caller,
      @PathVariable String project,
      @PathVariable String job,
      @RequestParam(required = false) String form) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    JobView view = jobs.get(project, job);
    if (form == null || form.equals("capstan")) {
      return view;
    }
    if (form.equals("kubeflow")) {
      return BatchJobView.isBatchJob(view) ? BatchJobView.of(view) : KubeflowJobView.of(view);
    }
    throw new CapstanException(
        ErrorCode.INVALID_ARGUMENT,
        "form",
        "Expected form to be capstan or kubeflow, but was '" + form + "'");
  }

  /** The spec as its user submitted it: the YAML or JSON text, comments and all. */
  @GetMapping(path = ApiPaths.JOB_SPEC)
  public ResponseEntity<String> submittedSpec(
      Caller caller, @PathVariable String project, @PathVariable String job) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return ResponseEntity.ok()
        .contentType(new MediaType("text", "plain", StandardCharsets.UTF_8))
        .header("X-Content-Type-Options", "nosniff")
        .body(jobs.submittedText(project, job));
  }

  /** The files the job left in its output directory, as collected into the artifact store. */
  @GetMapping(path = ApiPaths.JOB_OUTPUTS, produces = MediaType.APPLICATION_JSON_VALUE)
  public JobOutputsView outputs(
      Caller caller, @PathVariable String project, @PathVariable String job) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return jobs.outputs(project, job);
  }

  @PostMapping(path = ApiPaths.JOB_CANCEL, produces = MediaType.APPLICATION_JSON_VALUE)
  public JobView cancel(
      Caller caller, AuditNote audit, @PathVariable String project, @PathVariable String job) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    audit.before(Map.of("phase", jobs.get(project, job).status().phase()));
    JobView cancelled = jobs.cancel(project, job, caller.user());
    audit.after(Map.of("phase", cancelled.status().phase()));
    return cancelled;
  }

  @DeleteMapping(path = ApiPaths.JOB)
  public ResponseEntity<Void> delete(
      Caller caller, @PathVariable String project, @PathVariable String job) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    if (jobs.delete(project, job, caller.user())) {
      return ResponseEntity.noContent().build();
    }
    // Its replicas are still stopping; the job controller removes it once they have.
    return ResponseEntity.accepted().build();
  }

  /**
   * A replica's log, or its last {@code tail} lines; with {@code follow=true}, streamed until the
   * job has ended, or until the caller's access is taken away (its token deleted, its membership
   * removed), which ends the stream with {@link LogStream#REVOKED_LINE} within a poll (100 ms).
   * {@code sinceSeconds}/{@code sinceTime} and {@code timestamps} filter and stamp lines by the
   * time they reached the archive (decision 85).
   */
  @GetMapping(path = ApiPaths.JOB_LOGS)
  public ResponseEntity<StreamingResponseBody> logs(
      Caller caller,
      @PathVariable String project,
      @PathVariable String job,
      @RequestParam(required = false) String replica,
      @RequestParam(defaultValue = "false") boolean follow,
      @RequestParam(required = false) Integer tail,
      @RequestParam(required = false) Long sinceSeconds,
      @RequestParam(required = false) String sinceTime,
      @RequestParam(defaultValue = "false") boolean timestamps,
      HttpServletRequest request,
      HttpServletResponse response) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    if (tail != null && tail < 0) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          "tail",
          "Expected tail to be a number of lines of at least 0, but was " + tail);
    }
    LogLines lines = LogLines.of(sinceSeconds, sinceTime, timestamps, clock);
    JobRecord record = jobs.find(project, job);
    String name = replica == null ? firstReplica(record) : replica;
    if (Rendezvous.replicas(record.spec()).stream().noneMatch(r -> r.name().equals(name))) {
      throw new CapstanException(
          ErrorCode.NOT_FOUND,
          "replica",
          "Replica '"
              + name
              + "' not found in job '"
              + job
              + "'; replicas: "
              + Rendezvous.replicas(record.spec()).stream().map(r -> r.name()).toList());
    }
    ReplicaId id = new ReplicaId(record.uid(), name);
    BooleanSupplier allowed = stillAllowed(request, project);
    // Spring 7 hands StreamingResponseBody a stream whose flush() does nothing (unless the
    // spring.http.response.flush.enabled flag is set), which would hold a followed log back until
    // the job ends; the servlet's own stream flushes each chunk to the client.
    StreamingResponseBody body =
        ignored ->
            logs.replica(project, record.uid(), name)
                .copy(
                    tail == null ? -1 : tail,
                    lines,
                    () -> follow && stillWriting(project, job),
                    allowed,
                    () -> shipper.refresh(id),
                    LogStream.REVOKED_LINE,
                    response.getOutputStream());
    return ResponseEntity.ok()
        .contentType(new MediaType("text", "plain", StandardCharsets.UTF_8))
        .header("X-Content-Type-Options", "nosniff")
        .body(body);
  }

  /**
   * Whether the token that opened a log stream may still read the project's logs: asked again, as a
   * new request would be, on the first call and after every revocation, and cheap in between.
   */
  private BooleanSupplier stillAllowed(HttpServletRequest request, String project) {
    String authorization = request.getHeader("Authorization");
    // The browser follows a log with its session cookie, not a header.
    String session =
        authorization == null ? SessionCookies.value(request, SessionCookies.SESSION) : null;
    long[] checked = {Long.MIN_VALUE};
    return () -> {
      long generation = revocations.generation();
      if (generation == checked[0]) {
        return true;
      }
      try {
        Caller again =
            session != null
                ? authenticator.sessionCookie(session)
                : authenticator.authenticate(authorization);
        access.requireProject(again, project, ProjectRole.VIEWER);
      } catch (CapstanException e) {
        return false;
      }
      checked[0] = generation;
      return true;
    };
  }

  /** Replicas may write (or be relaunched and write again) until the job ended and was released. */
  private boolean stillWriting(String project, String job) {
    return jobs.findOptional(project, job)
        .map(r -> !(r.phase().isTerminal() && r.released()))
        .orElse(false);
  }

  private static String firstReplica(JobRecord record) {
    return Rendezvous.replicas(record.spec()).get(0).name();
  }

  private static JobPhase parsePhase(String phase) {
    try {
      return JobPhase.fromWire(phase);
    } catch (IllegalArgumentException e) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          "phase",
          "Expected phase to be one of Queued, Starting, Running, Restarting, Succeeded, Failed,"
              + " Cancelled, but was '"
              + phase
              + "'",
          e);
    }
  }

  private String readBounded(HttpServletRequest request) throws IOException {
    long declared = request.getContentLengthLong();
    if (declared > maxSpecBytes) {
      throw tooLarge(declared);
    }
    try (InputStream in = request.getInputStream()) {
      byte[] bytes = in.readNBytes((int) maxSpecBytes + 1);
      if (bytes.length > maxSpecBytes) {
        throw tooLarge(-1);
      }
      if (bytes.length == 0) {
        throw new CapstanException(
            ErrorCode.INVALID_SPEC,
            "body",
            "Expected a job spec (YAML or JSON) in the request body, but it was empty");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private CapstanException tooLarge(long size) {
    return new CapstanException(
        ErrorCode.PAYLOAD_TOO_LARGE,
        "body",
        "Expected a job spec of at most "
            + maxSpecBytes
            + " bytes, but it was "
            + (size < 0 ? "larger" : size + " bytes"));
  }
}
