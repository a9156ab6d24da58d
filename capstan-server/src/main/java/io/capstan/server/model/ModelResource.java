package io.capstan.server.model;

import io.capstan.api.ApiPaths;
import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.identity.ProjectRole;
import io.capstan.api.model.AliasRequest;
import io.capstan.api.model.AliasView;
import io.capstan.api.model.Lineage;
import io.capstan.api.model.ModelRef;
import io.capstan.api.model.ModelVersionView;
import io.capstan.api.model.ModelView;
import io.capstan.api.model.RegisterFromJobRequest;
import io.capstan.server.audit.AuditNote;
import io.capstan.server.identity.Access;
import io.capstan.server.identity.Caller;
import io.capstan.server.job.JobRecord;
import io.capstan.server.store.Versions;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The model registry endpoints of {@link ApiPaths}: members read, editors and admins write. */
@RestController
public class ModelResource {
  private final ModelRegistry registry;
  private final JobOutputs outputs;
  private final Access access;

  ModelResource(ModelRegistry registry, JobOutputs outputs, Access access) {
    this.registry = registry;
    this.outputs = outputs;
    this.access = access;
  }

  @GetMapping(path = ApiPaths.MODELS, produces = MediaType.APPLICATION_JSON_VALUE)
  public List<ModelView> list(Caller caller, @PathVariable String project) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return registry.list(project);
  }

  @GetMapping(path = ApiPaths.MODEL, produces = MediaType.APPLICATION_JSON_VALUE)
  public ModelView get(Caller caller, @PathVariable String project, @PathVariable String model) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return registry.model(project, model);
  }

  @DeleteMapping(path = ApiPaths.MODEL)
  public ResponseEntity<Void> delete(
      Caller caller, @PathVariable String project, @PathVariable String model) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    registry.deleteModel(project, model);
    return ResponseEntity.noContent().build();
  }

  @GetMapping(path = ApiPaths.MODEL_VERSIONS, produces = MediaType.APPLICATION_JSON_VALUE)
  public List<ModelVersionView> versions(
      Caller caller, @PathVariable String project, @PathVariable String model) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return registry.versions(project, model);
  }

  /** Registers the request body, an ONNX file, streamed into the artifact store. */
  @PostMapping(path = ApiPaths.MODEL_VERSIONS, produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<ModelVersionView> upload(
      Caller caller,
      AuditNote audit,
      @PathVariable String project,
      @PathVariable String model,
      @RequestParam(required = false) String description,
      @RequestParam(name = "metric", required = false) List<String> metrics,
      @RequestParam(name = "tag", required = false) List<String> tags,
      HttpServletRequest request)
      throws IOException {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    ModelRef.checkName(model, "model");
    VersionDetails details = VersionDetails.fromQuery(description, metrics, tags);
    long declared = request.getContentLengthLong();
    if (declared > registry.maxArtifactBytes()) {
      throw registry.tooLarge("body", null);
    }
    try (InputStream body = request.getInputStream()) {
      ModelVersionView version =
          registry.register(project, model, body, "body", details, Lineage.upload(caller.user()));
      audit
          .object("version", model + "/" + version.version())
          .after(
              Map.of(
                  "sizeBytes", version.artifact().sizeBytes(),
                  "sha256", version.artifact().sha256()));
      return ResponseEntity.status(HttpStatus.CREATED).body(version);
    }
  }

  @PostMapping(
      path = ApiPaths.MODEL_VERSIONS_FROM_JOB,
      produces = MediaType.APPLICATION_JSON_VALUE,
      consumes = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<ModelVersionView> fromJob(
      Caller caller,
      AuditNote audit,
      @PathVariable String project,
      @PathVariable String model,
      @RequestBody RegisterFromJobRequest request) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    ModelRef.checkName(model, "model");
    VersionDetails details =
        new VersionDetails(request.description(), request.metrics(), request.tags());
    JobRecord job = outputs.succeededJob(project, request.job());
    ModelVersionView version = outputs.register(job, model, request.path(), details, caller.user());
    audit.object("version", model + "/" + version.version());
    return ResponseEntity.status(HttpStatus.CREATED).body(version);
  }

  @GetMapping(path = ApiPaths.MODEL_VERSION, produces = MediaType.APPLICATION_JSON_VALUE)
  public ModelVersionView version(
      Caller caller,
      @PathVariable String project,
      @PathVariable String model,
      @PathVariable String version) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return registry.version(project, ref(model, version));
  }

  @DeleteMapping(path = ApiPaths.MODEL_VERSION)
  public ResponseEntity<Void> deleteVersion(
      Caller caller,
      @PathVariable String project,
      @PathVariable String model,
      @PathVariable String version) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    ModelRef.checkName(model, "model");
    if (version.startsWith("@")) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          "version",
          "Expected a version number to delete, but was '"
              + version
              + "'; an alias is deleted with DELETE .../aliases/{alias}");
    }
    registry.deleteVersion(project, model, ModelRef.parseVersion(version, "version"));
    return ResponseEntity.noContent().build();
  }

  @GetMapping(path = ApiPaths.MODEL_ALIASES, produces = MediaType.APPLICATION_JSON_VALUE)
  public List<AliasView> aliases(
      Caller caller, @PathVariable String project, @PathVariable String model) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return registry.aliases(project, model);
  }

  @PutMapping(
      path = ApiPaths.MODEL_ALIAS,
      produces = MediaType.APPLICATION_JSON_VALUE,
      consumes = MediaType.APPLICATION_JSON_VALUE)
  public AliasView setAlias(
      Caller caller,
      @PathVariable String project,
      @PathVariable String model,
      @PathVariable String alias,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
      @RequestBody AliasRequest request) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    return registry.setAlias(project, model, alias, request.version(), Versions.ifMatch(ifMatch));
  }

  @DeleteMapping(path = ApiPaths.MODEL_ALIAS)
  public ResponseEntity<Void> deleteAlias(
      Caller caller,
      @PathVariable String project,
      @PathVariable String model,
      @PathVariable String alias) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    registry.deleteAlias(project, model, alias);
    return ResponseEntity.noContent().build();
  }

  /** {@code 3} or {@code @production} in the path, read with the shared parser. */
  private static ModelRef ref(String model, String version) {
    ModelRef.checkName(model, "model");
    if (version.startsWith("@")) {
      return ModelRef.alias(model, ModelRef.checkAlias(version.substring(1), "version", true));
    }
    return ModelRef.version(model, ModelRef.parseVersion(version, "version"));
  }
}
