package io.capstan.api;

/**
 * The REST API's paths, shared by the server and the CLI. Every path except {@link #HEALTH} needs
 * {@code Authorization: Bearer <token>}. Objects of a project the caller is not a member of answer
 * 404, as if they did not exist.
 */
public final class ApiPaths {
  private ApiPaths() {}

  public static final String BASE = "/api/v1";

  /** GET: {@code {"status":"UP"}}; no authentication. */
  public static final String HEALTH = BASE + "/health";

  /** GET: the caller ({@code WhoAmI}). */
  public static final String WHOAMI = BASE + "/whoami";

  /** GET list, POST create ({@code CreateUserRequest}); admins only. */
  public static final String USERS = BASE + "/users";

  /** GET list, POST create a token for {user} ({@code CreateTokenRequest}). */
  public static final String USER_TOKENS = BASE + "/users/{user}/tokens";

  /** DELETE a token. */
  public static final String USER_TOKEN = BASE + "/users/{user}/tokens/{id}";

  /**
   * GET the identity provider's settings a client needs to sign in ({@code OidcSettings}); no
   * authentication. 404 when OpenID Connect sign-in is not configured.
   */
  public static final String AUTH_OIDC = BASE + "/auth/oidc";

  /**
   * POST an {@code OidcTokenRequest}: exchanges an ID token of the configured provider for a
   * Capstan token with an expiry ({@code SessionView}); no authentication (the ID token is the
   * credential). 401 when the token is of another issuer or audience, expired or badly signed.
   */
  public static final String AUTH_OIDC_TOKEN = AUTH_OIDC + "/token";

  /**
   * POST with {@code Authorization: Bearer <API token>}: starts a browser session for the token's
   * user (answers 204 and sets the HttpOnly {@code capstan_session} cookie and the readable {@code
   * capstan_csrf} cookie, whose value every state-changing call that the cookie authenticates must
   * send as header {@code X-Capstan-CSRF}). The web console's sign-in with a token; the token
   * itself is never stored in the browser.
   */
  public static final String AUTH_SESSION = BASE + "/auth/session";

  /**
   * POST: ends a sign-in session, the one of {@code Authorization: Bearer capsess_...} or of the
   * browser's cookie. Outside {@link #BASE}, beside the browser's {@code /auth/login}.
   */
  public static final String LOGOUT = "/auth/logout";

  /** GET the caller's projects, POST create ({@code CreateProjectRequest}). */
  public static final String PROJECTS = BASE + "/projects";

  /** GET one project. */
  public static final String PROJECT = BASE + "/projects/{project}";

  /** PUT a member ({@code AddMemberRequest}); DELETE .../members/{user}. */
  public static final String PROJECT_MEMBERS = BASE + "/projects/{project}/members";

  /**
   * POST a job spec (YAML with {@code Content-Type: application/yaml}, or JSON), GET list (oldest
   * first). Queries of the list: {@code phase} and {@code kind} (exact, e.g. {@code Running},
   * {@code PyTorchJob}), {@code q} (a part of the name, any case), {@code user} (who submitted it),
   * {@code order} ({@code oldest} or {@code newest}), {@code offset} and {@code limit} (1 to 1000;
   * without it every job). The answer's header {@code X-Total-Count} is the number of jobs that
   * match, over all pages.
   */
  public static final String JOBS = BASE + "/projects/{project}/jobs";

  /** GET one job ({@code JobView}), DELETE it (stops it first). */
  public static final String JOB = BASE + "/projects/{project}/jobs/{job}";

  /**
   * GET the job's training metrics: the latest value of every series (name and replica) that its
   * replicas printed as {@code name=value} ({@code JobMetricsView}).
   */
  public static final String JOB_METRICS = JOB + "/metrics";

  /**
   * GET one metric's points ({@code MetricSeriesView}); query {@code replica} to pick one. A name
   * with {@code /} (a TensorBoard tag) is the rest of the path, unencoded: {@code
   * .../metrics/train/loss}.
   */
  public static final String JOB_METRIC = JOB_METRICS + "/{metric}";

  /**
   * GET the spec as its user submitted it ({@code text/plain}: the YAML or JSON, comments and all);
   * 404 for a workload a controller made (a serving replica) or one submitted before the text was
   * kept.
   */
  public static final String JOB_SPEC = JOB + "/spec";

  /** POST: cancel the job. */
  public static final String JOB_CANCEL = JOB + "/cancel";

  /**
   * GET text/plain logs. Query: {@code replica} (default: the first replica), {@code follow}
   * (stream until the replica ends), {@code tail} (last N lines), {@code sinceSeconds} (lines of
   * the last N seconds) or {@code sinceTime} (ISO-8601 instant), {@code timestamps} (each line
   * starts with its time, {@code 2026-01-02T03:04:05.678Z }). A line's time is when the control
   * plane archived it, within about a second of the replica writing it (decision 85).
   */
  public static final String JOB_LOGS = JOB + "/logs";

  /**
   * GET the files a succeeded job left in its output directory, as collected into the artifact
   * store ({@code JobOutputsView}).
   */
  public static final String JOB_OUTPUTS = JOB + "/outputs";

  /**
   * GET the project's volumes ({@code VolumeView}): what its jobs' {@code persistentVolumeClaim}s
   * mount, kept across jobs.
   */
  public static final String VOLUMES = BASE + "/projects/{project}/volumes";

  /** GET one volume, DELETE it and its files (refused while an unfinished job mounts it). */
  public static final String VOLUME = VOLUMES + "/{volume}";

  /**
   * GET the datasets the project's members can read ({@code DatasetView} list): its own and those
   * other projects share with it. Datasets are created by uploading their first version.
   */
  public static final String DATASETS = BASE + "/projects/{project}/datasets";

  /**
   * GET one dataset of the project ({@code DatasetView}; members of the projects it is shared with
   * may read it too, everyone else gets 404); DELETE it with every version (editors; refused while
   * an unfinished job mounts one of its versions, naming the jobs).
   */
  public static final String DATASET = DATASETS + "/{dataset}";

  /**
   * GET the dataset's versions ({@code DatasetVersionView} list, newest first); POST uploads a new
   * version from the request body, a tar stream ({@code Content-Type: application/x-tar}), and
   * answers 201 with the {@code DatasetVersionView}. Query {@code description}. Editors.
   */
  public static final String DATASET_VERSIONS = DATASET + "/versions";

  /**
   * POST a {@code DatasetImportRequest}: a new version copied from a succeeded job's output or from
   * an S3 prefix. Answers 201 with the {@code DatasetVersionView}. Editors.
   */
  public static final String DATASET_IMPORTS = DATASET + "/imports";

  /** GET one version ({@code DatasetVersionView}); DELETE it (refused while a job mounts it). */
  public static final String DATASET_VERSION = DATASET_VERSIONS + "/{version}";

  /**
   * GET the version's manifest, {@code text/plain}: a line {@code SHA256<TAB>SIZE<TAB>PATH} per
   * file, in path order; its SHA-256 is the version's checksum.
   */
  public static final String DATASET_MANIFEST = DATASET_VERSION + "/manifest";

  /**
   * PUT a {@code DatasetShareRequest}: the projects (besides the owner) whose members may read and
   * mount the dataset, replacing the previous list. Answers the {@code DatasetView}. Editors.
   */
  public static final String DATASET_SHARES = DATASET + "/shares";

  /** The queues (one per project) the caller can see, with quotas and usage. GET. */
  public static final String QUEUES = BASE + "/queues";

  /**
   * A project's quota: GET (members) a {@code QueueView}, PUT (installation admins) a {@code
   * QuotaSpec}. An optional {@code If-Match: "N"} names the view's {@code resourceVersion} the
   * change is based on: when the quota has changed since, 409 CONFLICT and nothing is written.
   */
  public static final String PROJECT_QUOTA = PROJECT + "/quota";

  /**
   * GET the project's notebooks ({@code NotebookView}), POST create one ({@code NotebookSpec}):
   * Jupyter with resources and a workspace, reached at {@link #NOTEBOOK_PROXY}.
   */
  public static final String NOTEBOOKS = PROJECT + "/notebooks";

  /** GET one notebook, DELETE it with its workspace. */
  public static final String NOTEBOOK = NOTEBOOKS + "/{notebook}";

  /** POST: stop its server (the workspace is kept). */
  public static final String NOTEBOOK_STOP = NOTEBOOK + "/stop";

  /** POST: start its server again. */
  public static final String NOTEBOOK_START = NOTEBOOK + "/start";

  /** GET its server's log: answered with a redirect to its current job's {@link #JOB_LOGS}. */
  public static final String NOTEBOOK_LOGS = NOTEBOOK + "/logs";

  /** POST: a one-time browser login link ({@code NotebookLogin}). */
  public static final String NOTEBOOK_LOGIN = NOTEBOOK + "/login";

  /**
   * POST a Katib Experiment ({@code kubeflow.org/v1beta1}, YAML with {@code Content-Type:
   * application/yaml}, or JSON), answered with its {@code ExperimentView}; GET the project's
   * experiments, oldest first. Its trials are jobs of the project, admitted under its quota.
   */
  public static final String EXPERIMENTS = PROJECT + "/experiments";

  /**
   * GET one experiment ({@code ExperimentView}, with its best trial); DELETE it with its trials'
   * jobs (202: their jobs are still stopping).
   */
  public static final String EXPERIMENT = EXPERIMENTS + "/{experiment}";

  /** GET its trials in creation order ({@code TrialView}). */
  public static final String EXPERIMENT_TRIALS = EXPERIMENT + "/trials";

  /** POST: create no more trials; running ones finish and are recorded. */
  public static final String EXPERIMENT_STOP = EXPERIMENT + "/stop";

  /**
   * POST: go on creating trials after a stop, or after it reached maxTrialCount with a larger one
   * in the optional body ({@code ResumeRequest}); refused when its resumePolicy is Never.
   */
  public static final String EXPERIMENT_RESUME = EXPERIMENT + "/resume";

  /** GET, PUT the project's notebook settings ({@code NotebookSettings}): the idle cull time. */
  public static final String NOTEBOOK_SETTINGS = PROJECT + "/notebook-settings";

  /**
   * Jupyter of notebook {name} of {project}, behind Capstan's login (a browser session cookie or
   * {@code Authorization: Bearer}); HTTP and WebSocket. Outside {@link #BASE}.
   */
  public static final String NOTEBOOK_PROXY = "/notebooks/{project}/{notebook}/";

  /** GET the project's inference services, POST create one ({@code ServiceSpec}). */
  public static final String SERVICES = PROJECT + "/services";

  /** GET one service ({@code ServiceView}), PATCH it ({@code ServiceUpdate}), DELETE it. */
  public static final String SERVICE = SERVICES + "/{service}";

  /** PUT the canary and its share ({@code TrafficRequest}). */
  public static final String SERVICE_TRAFFIC = SERVICE + "/traffic";

  /** POST: the canary becomes the stable version. */
  public static final String SERVICE_PROMOTE = SERVICE + "/promote";

  /** POST: drop the canary, or return to the previous stable version when there is none. */
  public static final String SERVICE_ROLLBACK = SERVICE + "/rollback";

  /**
   * The serving gateway: KServe v2 HTTP paths below it ({@code /v2/models/{model}/infer}, ...) go
   * to the service's replicas, split by weight between stable and canary. Needs the bearer token
   * like the API; errors use the v2 body {@code {"error": "..."}}.
   */
  public static final String SERVING = "/serving/{project}/{service}";

  /**
   * GET what the cluster holds now ({@code ClusterTop}): totals and nodes for every caller, the
   * caller's own projects by name and all others summed into one row.
   */
  public static final String TOP = BASE + "/top";

  /**
   * GET the project's models ({@code ModelView} list). Models are created by registering their
   * first version.
   */
  public static final String MODELS = PROJECT + "/models";

  /**
   * GET one model ({@code ModelView}); DELETE it with every version, alias and artifact (editors).
   */
  public static final String MODEL = MODELS + "/{model}";

  /**
   * GET the model's versions ({@code ModelVersionView} list, newest first); POST registers a new
   * version from the request body, the ONNX file itself ({@code Content-Type:
   * application/octet-stream}, streamed; at most {@code capstan.models.max-artifact-bytes}, else
   * 413). Query: {@code description}, {@code metric=KEY=NUMBER} and {@code tag=KEY=VALUE}
   * (repeatable). Answers 201 with the {@code ModelVersionView}; a body that is not a loadable ONNX
   * model is refused with 400 (field {@code body}) and nothing is stored. Editors and admins.
   */
  public static final String MODEL_VERSIONS = MODEL + "/versions";

  /**
   * POST a {@code RegisterFromJobRequest}: registers a file of a succeeded job's output directory
   * as a new version, with lineage to the job. Answers 201 with the {@code ModelVersionView}.
   */
  public static final String MODEL_VERSIONS_FROM_JOB = MODEL_VERSIONS + "/from-job";

  /**
   * GET one version ({@code ModelVersionView}), DELETE it (its aliases and artifact go with it).
   * {@code {version}} is a number, or {@code @ALIAS} ({@code @latest} is the newest version).
   */
  public static final String MODEL_VERSION = MODEL_VERSIONS + "/{version}";

  /** GET the model's aliases ({@code AliasView} list). */
  public static final String MODEL_ALIASES = MODEL + "/aliases";

  /**
   * PUT an {@code AliasRequest}: points the alias at a version, moving it if it exists (answers the
   * {@code AliasView}); DELETE removes it. {@code latest} cannot be assigned. Editors and admins.
   * An optional {@code If-Match: "N"} names the alias's {@code resourceVersion} the move is based
   * on ({@code "0"}: the alias must not exist yet): when it has changed since, 409 CONFLICT.
   */
  public static final String MODEL_ALIAS = MODEL_ALIASES + "/{alias}";

  /**
   * The runtime's image map ({@code ImageEnvironmentList}): what each container image stands for on
   * a runtime without real images (the local runtime). GET (any signed-in user; query {@code
   * pattern} for one entry); PUT an {@code ImageEnvironment} adds or replaces the operator's entry
   * of its pattern; DELETE with query {@code pattern} removes it (installation admins). 400 names
   * the entry's field that is wrong; 404 on a runtime of real images (Kubernetes), which has none.
   */
  public static final String ENVIRONMENTS = BASE + "/environments";

  /**
   * GET the audit log ({@code AuditPage}, newest first): every state-changing call, allowed or
   * refused. Installation admins see every event; other users see the events of the projects they
   * administer (403 when they administer none). Query: {@code project}, {@code user}, {@code
   * action}, {@code kind}, {@code outcome} ({@code allowed}, {@code refused}, {@code failed}),
   * {@code since} and {@code until} (ISO-8601 instants), {@code before} (the cursor of the next
   * page), {@code limit} (1 to 1000, default 100).
   */
  public static final String AUDIT = BASE + "/audit";

  /**
   * GET the project's audit log ({@code AuditPage}): project admins; the query of {@link #AUDIT}.
   */
  public static final String PROJECT_AUDIT = PROJECT + "/audit";

  /**
   * GET the project's secrets ({@code SecretView} list: keys and sizes, never values), POST create
   * one ({@code SecretRequest}; 409 when the name is taken). Members read, editors write.
   */
  public static final String SECRETS = PROJECT + "/secrets";

  /**
   * GET one secret ({@code SecretView}), PUT replace its keys and values ({@code SecretRequest}),
   * DELETE it. An optional {@code If-Match: "N"} on PUT names the {@code resourceVersion} read:
   * when it has changed since, 409 CONFLICT and nothing is written.
   */
  public static final String SECRET = SECRETS + "/{secret}";

  /** GET the project's config maps ({@code ConfigMapView} list), POST create one. */
  public static final String CONFIG_MAPS = PROJECT + "/configmaps";

  /**
   * GET one config map ({@code ConfigMapView}), PUT replace it (If-Match as secrets), DELETE it.
   */
  public static final String CONFIG_MAP = CONFIG_MAPS + "/{configmap}";

  public static String expand(String template, String... values) {
    String result = template;
    for (String value : values) {
      int start = result.indexOf('{');
      int end = result.indexOf('}', start);
      result =
          result.substring(0, start)
              + java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8)
              + result.substring(end + 1);
    }
    return result;
  }
}
