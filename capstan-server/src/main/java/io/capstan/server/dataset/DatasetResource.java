package io.capstan.server.dataset;

import io.capstan.api.ApiPaths;
import io.capstan.api.dataset.DatasetImportRequest;
import io.capstan.api.dataset.DatasetShareRequest;
import io.capstan.api.dataset.DatasetVersionView;
import io.capstan.api.dataset.DatasetView;
import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.identity.ProjectRole;
import io.capstan.server.audit.AuditNote;
import io.capstan.server.identity.Access;
import io.capstan.server.identity.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The dataset endpoints of {@link ApiPaths}: members of the owning project, and members of the
 * projects a dataset is shared with, read; the owning project's editors write.
 */
@RestController
public class DatasetResource {
  private final DatasetService datasets;
  private final Access access;

  DatasetResource(DatasetService datasets, Access access) {
    this.datasets = datasets;
    this.access = access;
  }

  @GetMapping(path = ApiPaths.DATASETS, produces = MediaType.APPLICATION_JSON_VALUE)
  public List<DatasetView> list(Caller caller, @PathVariable String project) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return datasets.list(project);
  }

  @GetMapping(path = ApiPaths.DATASET, produces = MediaType.APPLICATION_JSON_VALUE)
  public DatasetView get(
      Caller caller, @PathVariable String project, @PathVariable String dataset) {
    datasets.requireReadable(caller, project, dataset);
    return datasets.get(project, dataset);
  }

  @DeleteMapping(path = ApiPaths.DATASET)
  public ResponseEntity<Void> delete(
      Caller caller, AuditNote audit, @PathVariable String project, @PathVariable String dataset) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    audit.object("dataset", dataset);
    datasets.delete(project, dataset);
    return ResponseEntity.noContent().build();
  }

  @GetMapping(path = ApiPaths.DATASET_VERSIONS, produces = MediaType.APPLICATION_JSON_VALUE)
  public List<DatasetVersionView> versions(
      Caller caller, @PathVariable String project, @PathVariable String dataset) {
    datasets.requireReadable(caller, project, dataset);
    return datasets.versions(project, dataset);
  }

  /** Stores the request body, a tar stream, as a new version. */
  @PostMapping(path = ApiPaths.DATASET_VERSIONS, produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<DatasetVersionView> upload(
      Caller caller,
      AuditNote audit,
      @PathVariable String project,
      @PathVariable String dataset,
      @RequestParam(required = false) String description,
      HttpServletRequest request)
      throws IOException {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    try (InputStream body = request.getInputStream()) {
      DatasetVersionView version =
          datasets.upload(project, dataset, body, description, caller.user());
      return created(audit, version);
    }
  }

  @PostMapping(
      path = ApiPaths.DATASET_IMPORTS,
      produces = MediaType.APPLICATION_JSON_VALUE,
      consumes = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<DatasetVersionView> importVersion(
      Caller caller,
      AuditNote audit,
      @PathVariable String project,
      @PathVariable String dataset,
      @RequestBody DatasetImportRequest request) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    return created(audit, datasets.importVersion(project, dataset, request, caller.user()));
  }

  @GetMapping(path = ApiPaths.DATASET_VERSION, produces = MediaType.APPLICATION_JSON_VALUE)
  public DatasetVersionView version(
      Caller caller,
      @PathVariable String project,
      @PathVariable String dataset,
      @PathVariable String version) {
    datasets.requireReadable(caller, project, dataset);
    return datasets.version(project, dataset, number(version));
  }

  @GetMapping(path = ApiPaths.DATASET_MANIFEST, produces = MediaType.TEXT_PLAIN_VALUE)
  public String manifest(
      Caller caller,
      @PathVariable String project,
      @PathVariable String dataset,
      @PathVariable String version) {
    datasets.requireReadable(caller, project, dataset);
    return datasets.manifest(project, dataset, number(version));
  }

  @DeleteMapping(path = ApiPaths.DATASET_VERSION)
  public ResponseEntity<Void> deleteVersion(
      Caller caller,
      AuditNote audit,
      @PathVariable String project,
      @PathVariable String dataset,
      @PathVariable String version) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    audit.object("version", dataset + "/" + version);
    datasets.deleteVersion(project, dataset, number(version));
    return ResponseEntity.noContent().build();
  }

  @PutMapping(
      path = ApiPaths.DATASET_SHARES,
      produces = MediaType.APPLICATION_JSON_VALUE,
      consumes = MediaType.APPLICATION_JSON_VALUE)
  public DatasetView share(
      Caller caller,
      AuditNote audit,
      @PathVariable String project,
      @PathVariable String dataset,
      @RequestBody DatasetShareRequest request) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    DatasetView view = datasets.share(project, dataset, request.projects());
    audit.object("dataset", dataset).after(Map.of("sharedWith", view.sharedWith()));
    return view;
  }

  private static ResponseEntity<DatasetVersionView> created(
      AuditNote audit, DatasetVersionView version) {
    audit
        .object("version", version.dataset() + "/" + version.version())
        .after(
            Map.of(
                "files", version.files(),
                "sizeBytes", version.sizeBytes(),
                "sha256", version.sha256()));
    return ResponseEntity.status(HttpStatus.CREATED).body(version);
  }

  private static int number(String version) {
    try {
      int number = Integer.parseInt(version);
      if (number >= 1) {
        return number;
      }
    } catch (NumberFormatException e) {
      // Answered below.
    }
    throw new CapstanException(
        ErrorCode.INVALID_ARGUMENT,
        "version",
        "Expected a version number from 1, but was '" + version + "'");
  }
}
