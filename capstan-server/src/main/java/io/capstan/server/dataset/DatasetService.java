package io.capstan.server.dataset;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.capstan.api.dataset.DatasetImportRequest;
import io.capstan.api.dataset.DatasetLineage;
import io.capstan.api.dataset.DatasetVersionView;
import io.capstan.api.dataset.DatasetView;
import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.job.DatasetMount;
import io.capstan.api.job.JobOutputsView;
import io.capstan.server.artifact.ArtifactStore;
import io.capstan.server.artifact.ArtifactsConfig;
import io.capstan.server.identity.Caller;
import io.capstan.server.identity.ProjectStore;
import io.capstan.server.job.JobOutputCollector;
import io.capstan.server.job.JobRecord;
import io.capstan.server.job.JobService;
import io.capstan.server.job.ProjectValues;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Datasets of a project (decision 95): versions uploaded as a tar stream, copied from a succeeded
 * job's collected outputs or from an S3 prefix, each stored once in the artifact store and never
 * changed; shared with listed projects, whose members may read and mount them; deleted only when no
 * unfinished workload mounts them.
 */
public final class DatasetService {
  private final DatasetStore store;
  private final ArtifactStore artifacts;
  private final ProjectStore projects;
  private final JobService jobs;
  private final ProjectValues values;
  private final List<DatasetUsers> users;
  private final DatasetsConfig config;
  private final List<URI> allowedEndpoints;
  private final Clock clock;

  DatasetService(
      DatasetStore store,
      ArtifactStore artifacts,
      ProjectStore projects,
      JobService jobs,
      ProjectValues values,
      List<DatasetUsers> users,
      DatasetsConfig config,
      ArtifactsConfig artifactsConfig,
      Clock clock) {
    this.store = requireNonNull(store, "store is null");
    this.artifacts = requireNonNull(artifacts, "artifacts is null");
    this.projects = requireNonNull(projects, "projects is null");
    this.jobs = requireNonNull(jobs, "jobs is null");
    this.values = requireNonNull(values, "values is null");
    this.users = List.copyOf(users);
    this.config = requireNonNull(config, "config is null");
    this.clock = requireNonNull(clock, "clock is null");
    List<URI> allowed = new ArrayList<>(config.allowedS3Endpoints());
    if (artifactsConfig.store().equals(ArtifactsConfig.S3_STORE)) {
      allowed.add(artifactsConfig.s3().endpoint());
    }
    this.allowedEndpoints = List.copyOf(allowed);
  }

  /** Stores a new version from a tar stream. */
  public DatasetVersionView upload(
      String project, String name, InputStream tar, String description, String user) {
    return newVersion(
        project,
        name,
        description,
        DatasetLineage.upload(user),
        "body",
        writer -> TarUpload.read(tar, writer, "body"));
  }

  /** Stores a new version from a job's collected outputs or an S3 prefix. */
  public DatasetVersionView importVersion(
      String project, String name, DatasetImportRequest request, String user) {
    if ((request.job() == null) == (request.s3() == null)) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          "job",
          "Expected exactly one of job and s3 in the import request, but "
              + (request.job() == null ? "neither is" : "both are")
              + " set");
    }
    if (request.job() != null) {
      return fromJob(project, name, request.job(), request.description(), user);
    }
    return fromS3(project, name, request.s3(), request.description(), user);
  }

  private DatasetVersionView fromJob(
      String project, String name, String jobName, String description, String user) {
    JobRecord job = jobs.find(project, jobName);
    JobOutputsView outputs = jobs.outputs(project, jobName);
    if (!outputs.collected()) {
      throw new CapstanException(
          ErrorCode.INVALID_STATE,
          "job",
          "Expected job '"
              + jobName
              + "' to have succeeded with its outputs collected, but it is "
              + job.phase().name());
    }
    DatasetLineage lineage = new DatasetLineage(DatasetLineage.JOB, user, jobName, job.uid(), null);
    return newVersion(
        project,
        name,
        description,
        lineage,
        "job",
        writer -> {
          for (JobOutputsView.File file : outputs.files()) {
            try (InputStream in = artifacts.open(JobOutputCollector.key(job.uid(), file.path()))) {
              writer.add(file.path(), in);
            } catch (IOException e) {
              throw new UncheckedIOException("Cannot read output " + file.path(), e);
            }
          }
        });
  }

  private DatasetVersionView fromS3(
      String project,
      String name,
      DatasetImportRequest.S3Source source,
      String description,
      String user) {
    S3Prefix prefix = S3Prefix.parse(source.uri(), "s3.uri");
    URI endpoint = endpoint(source);
    Map<String, byte[]> secret = null;
    if (source.secret() != null) {
      secret =
          values
              .secret(project, source.secret())
              .orElseThrow(
                  () ->
                      new CapstanException(
                          ErrorCode.INVALID_ARGUMENT,
                          "s3.secret",
                          "Expected s3.secret to name a secret of project '"
                              + project
                              + "', but there is no secret '"
                              + source.secret()
                              + "'"));
    }
    String[] credentials = S3Prefix.credentials(source, secret, "s3");
    DatasetLineage lineage = new DatasetLineage(DatasetLineage.S3, user, null, null, source.uri());
    return newVersion(
        project,
        name,
        description,
        lineage,
        "s3.uri",
        writer -> prefix.copy(endpoint, source.region(), credentials, writer, "s3.uri"));
  }

  private URI endpoint(DatasetImportRequest.S3Source source) {
    if (source.endpoint() == null || source.endpoint().isBlank()) {
      if (allowedEndpoints.isEmpty()) {
        throw new CapstanException(
            ErrorCode.INVALID_ARGUMENT,
            "s3.endpoint",
            "Expected s3.endpoint, since this control plane stores artifacts in no S3 store,"
                + " but it is not set");
      }
      return allowedEndpoints.get(allowedEndpoints.size() - 1);
    }
    URI endpoint = URI.create(source.endpoint().replaceAll("/+$", ""));
    if (!allowedEndpoints.contains(endpoint)) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          "s3.endpoint",
          "Expected s3.endpoint to be one the operator allows "
              + allowedEndpoints
              + " (capstan.datasets.allowed-s3-endpoints), but was '"
              + source.endpoint()
              + "'");
    }
    return endpoint;
  }

  private DatasetVersionView newVersion(
      String project,
      String name,
      String description,
      DatasetLineage lineage,
      String field,
      Consumer<DatasetWriter> fill) {
    checkName(name);
    if (description != null && description.length() > 1000) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          "description",
          "Expected a description of at most 1000 characters, but it has " + description.length());
    }
    int number = store.reserveVersion(project, name, lineage.createdBy(), clock.instant());
    DatasetWriter writer = new DatasetWriter(artifacts, project, name, number, config, field);
    DatasetVersionRecord record;
    try {
      fill.accept(writer);
      DatasetManifest manifest = writer.finish();
      record =
          new DatasetVersionRecord(
              project,
              name,
              number,
              manifest.files(),
              manifest.sizeBytes(),
              manifest.sha256(),
              description,
              lineage,
              clock.instant());
      store.insertVersion(record);
    } catch (RuntimeException e) {
      writer.abort();
      if (store.versions(project, name).isEmpty()) {
        store.delete(project, name);
      }
      throw e;
    }
    return view(record);
  }

  /** The datasets the project's members may read: its own, then those shared with it. */
  public List<DatasetView> list(String project) {
    return store.visibleTo(project).stream().map(this::view).toList();
  }

  /**
   * Passes when the caller may read dataset {@code name} of {@code project}: an installation admin,
   * a member of the project, or a member of a project it is shared with; NOT_FOUND for everyone
   * else, as for a dataset that does not exist.
   */
  public void requireReadable(Caller caller, String project, String name) {
    DatasetRecord dataset = find(project, name);
    if (caller.admin() || projects.role(project, caller.user()).isPresent()) {
      return;
    }
    for (String other : dataset.sharedWith()) {
      if (projects.role(other, caller.user()).isPresent()) {
        return;
      }
    }
    throw notFound(project, name);
  }

  public DatasetView get(String project, String name) {
    return view(find(project, name));
  }

  public List<DatasetVersionView> versions(String project, String name) {
    DatasetRecord dataset = find(project, name);
    return store.versions(project, name).stream().map(v -> view(dataset, v)).toList();
  }

  public DatasetVersionView version(String project, String name, int version) {
    return view(find(project, name), findVersion(project, name, version));
  }

  /** The version's manifest text. */
  public String manifest(String project, String name, int version) {
    findVersion(project, name, version);
    try (InputStream in = artifacts.open(DatasetKeys.manifest(project, name, version))) {
      return new String(in.readAllBytes(), UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the manifest of " + name + "@" + version, e);
    }
  }

  /** Replaces the projects the dataset is shared with; each must exist. */
  public DatasetView share(String project, String name, List<String> with) {
    find(project, name);
    TreeSet<String> sorted = new TreeSet<>();
    for (int i = 0; i < with.size(); i++) {
      String other = with.get(i);
      if (other == null || !projects.exists(other)) {
        throw new CapstanException(
            ErrorCode.INVALID_ARGUMENT,
            "projects[" + i + "]",
            "Expected projects[" + i + "] to name a project, but there is no '" + other + "'");
      }
      if (!other.equals(project)) {
        sorted.add(other);
      }
    }
    store.share(project, name, List.copyOf(sorted));
    return get(project, name);
  }

  /** Deletes one version; refused while a workload mounts it, naming the workloads. */
  public void deleteVersion(String project, String name, int version) {
    DatasetRecord dataset = find(project, name);
    findVersion(project, name, version);
    refuseInUse(dataset, version);
    removeFiles(project, name, version);
    store.deleteVersion(project, name, version);
  }

  /** Deletes the dataset with every version; refused while a workload mounts one of them. */
  public void delete(String project, String name) {
    DatasetRecord dataset = find(project, name);
    refuseInUse(dataset, null);
    for (DatasetVersionRecord version : store.versions(project, name)) {
      removeFiles(project, name, version.version());
      store.deleteVersion(project, name, version.version());
    }
    store.delete(project, name);
  }

  private void refuseInUse(DatasetRecord dataset, Integer version) {
    List<String> using = usersOf(dataset, version);
    if (!using.isEmpty()) {
      String what =
          "dataset '" + dataset.name() + "'" + (version == null ? "" : " version " + version);
      throw new CapstanException(
          ErrorCode.INVALID_STATE,
          "dataset",
          "Expected "
              + what
              + " to be mounted by no unfinished workload before it is deleted, but "
              + using
              + " mount it; delete them or wait for them to finish first");
    }
  }

  private List<String> usersOf(DatasetRecord dataset, Integer version) {
    List<String> scope = new ArrayList<>();
    scope.add(dataset.project());
    scope.addAll(dataset.sharedWith());
    TreeSet<String> all = new TreeSet<>();
    for (DatasetUsers source : users) {
      all.addAll(source.users(dataset.project(), dataset.name(), version, scope));
    }
    return List.copyOf(all);
  }

  private void removeFiles(String project, String name, int version) {
    String folder = DatasetKeys.versionFolder(project, name, version);
    artifacts.dropLocalFolder(folder);
    for (String key : artifacts.keysUnder(folder)) {
      artifacts.delete(key);
    }
    artifacts.delete(DatasetKeys.manifest(project, name, version));
  }

  private DatasetRecord find(String project, String name) {
    return store.find(project, name).orElseThrow(() -> notFound(project, name));
  }

  private DatasetVersionRecord findVersion(String project, String name, int version) {
    return store
        .version(project, name, version)
        .orElseThrow(
            () ->
                CapstanException.notFound(
                    "Version "
                        + version
                        + " of dataset '"
                        + name
                        + "' not found in project '"
                        + project
                        + "'"));
  }

  private DatasetView view(DatasetRecord dataset) {
    List<DatasetVersionRecord> versions = store.versions(dataset.project(), dataset.name());
    return new DatasetView(
        dataset.project(),
        dataset.name(),
        dataset.createdAt(),
        dataset.createdBy(),
        versions.isEmpty() ? null : versions.get(0).version(),
        versions.size(),
        dataset.sharedWith());
  }

  private DatasetVersionView view(DatasetVersionRecord version) {
    return view(find(version.project(), version.dataset()), version);
  }

  private DatasetVersionView view(DatasetRecord dataset, DatasetVersionRecord version) {
    return new DatasetVersionView(
        version.project(),
        version.dataset(),
        version.version(),
        version.files(),
        version.sizeBytes(),
        version.sha256(),
        version.description(),
        version.lineage(),
        version.createdAt(),
        usersOf(dataset, version.version()));
  }

  private static void checkName(String name) {
    if (name == null || !DatasetMount.NAME.matcher(name).matches()) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          "dataset",
          "Expected a dataset name of lowercase letters, digits, '-', '.' and '_', starting and"
              + " ending with a letter or digit, at most 63 characters, but was '"
              + name
              + "'");
    }
  }

  private static CapstanException notFound(String project, String name) {
    return CapstanException.notFound(
        "Dataset '" + name + "' not found in project '" + project + "'");
  }
}
