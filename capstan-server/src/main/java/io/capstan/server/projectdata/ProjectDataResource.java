package io.capstan.server.projectdata;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.capstan.api.ApiPaths;
import io.capstan.api.identity.ProjectRole;
import io.capstan.api.projectdata.ConfigMapRequest;
import io.capstan.api.projectdata.ConfigMapView;
import io.capstan.api.projectdata.SecretRequest;
import io.capstan.api.projectdata.SecretView;
import io.capstan.server.audit.AuditNote;
import io.capstan.server.identity.Access;
import io.capstan.server.identity.Caller;
import io.capstan.server.store.Versions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
import org.springframework.web.bind.annotation.RestController;

/**
 * The secret and config map endpoints of {@link ApiPaths}: members read (a secret's keys and sizes,
 * a config map's values), editors change. The audit event of a change keeps the name and the keys
 * with their sizes, never a value.
 */
@RestController
public class ProjectDataResource {
  private static final String SECRET = "secret";
  private static final String CONFIG_MAP = "configmap";

  private final ProjectDataService data;
  private final Access access;

  ProjectDataResource(ProjectDataService data, Access access) {
    this.data = data;
    this.access = access;
  }

  @PostMapping(path = ApiPaths.SECRETS, produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<SecretView> createSecret(
      Caller caller,
      AuditNote audit,
      @PathVariable String project,
      @RequestBody(required = false) byte[] body) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    SecretRequest request = data.readSecret(body);
    audit.object(SECRET, request.name());
    SecretView created = data.createSecret(project, request, caller.user());
    audit.after(ProjectDataService.auditSummary(created.name(), created.keys()));
    return ResponseEntity.status(HttpStatus.CREATED).body(created);
  }

  @GetMapping(path = ApiPaths.SECRETS, produces = MediaType.APPLICATION_JSON_VALUE)
  public List<SecretView> secrets(Caller caller, @PathVariable String project) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return data.secrets(project);
  }

  @GetMapping(path = ApiPaths.SECRET, produces = MediaType.APPLICATION_JSON_VALUE)
  public SecretView secret(
      Caller caller, @PathVariable String project, @PathVariable String secret) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return data.secret(project, secret);
  }

  @PutMapping(path = ApiPaths.SECRET, produces = MediaType.APPLICATION_JSON_VALUE)
  public SecretView replaceSecret(
      Caller caller,
      AuditNote audit,
      @PathVariable String project,
      @PathVariable String secret,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
      @RequestBody(required = false) byte[] body) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    audit.object(SECRET, secret);
    SecretView replaced =
        data.replaceSecret(
            project, secret, data.readSecret(body), Versions.ifMatch(ifMatch), caller.user());
    audit.after(ProjectDataService.auditSummary(replaced.name(), replaced.keys()));
    return replaced;
  }

  @DeleteMapping(path = ApiPaths.SECRET)
  public ResponseEntity<Void> deleteSecret(
      Caller caller, @PathVariable String project, @PathVariable String secret) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    data.deleteSecret(project, secret);
    return ResponseEntity.noContent().build();
  }

  @PostMapping(path = ApiPaths.CONFIG_MAPS, produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<ConfigMapView> createConfigMap(
      Caller caller,
      AuditNote audit,
      @PathVariable String project,
      @RequestBody(required = false) byte[] body) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    ConfigMapRequest request = data.readConfigMap(body);
    audit.object(CONFIG_MAP, request.name());
    ConfigMapView created = data.createConfigMap(project, request, caller.user());
    audit.after(ProjectDataService.auditSummary(created.name(), sizes(created)));
    return ResponseEntity.status(HttpStatus.CREATED).body(created);
  }

  @GetMapping(path = ApiPaths.CONFIG_MAPS, produces = MediaType.APPLICATION_JSON_VALUE)
  public List<ConfigMapView> configMaps(Caller caller, @PathVariable String project) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return data.configMaps(project);
  }

  @GetMapping(path = ApiPaths.CONFIG_MAP, produces = MediaType.APPLICATION_JSON_VALUE)
  public ConfigMapView configMap(
      Caller caller, @PathVariable String project, @PathVariable String configmap) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return data.configMap(project, configmap);
  }

  @PutMapping(path = ApiPaths.CONFIG_MAP, produces = MediaType.APPLICATION_JSON_VALUE)
  public ConfigMapView replaceConfigMap(
      Caller caller,
      AuditNote audit,
      @PathVariable String project,
      @PathVariable String configmap,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
      @RequestBody(required = false) byte[] body) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    audit.object(CONFIG_MAP, configmap);
    ConfigMapView replaced =
        data.replaceConfigMap(
            project, configmap, data.readConfigMap(body), Versions.ifMatch(ifMatch), caller.user());
    audit.after(ProjectDataService.auditSummary(replaced.name(), sizes(replaced)));
    return replaced;
  }

  @DeleteMapping(path = ApiPaths.CONFIG_MAP)
  public ResponseEntity<Void> deleteConfigMap(
      Caller caller, @PathVariable String project, @PathVariable String configmap) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    data.deleteConfigMap(project, configmap);
    return ResponseEntity.noContent().build();
  }

  private static Map<String, Integer> sizes(ConfigMapView view) {
    Map<String, Integer> sizes = new TreeMap<>();
    view.data().forEach((key, value) -> sizes.put(key, value.getBytes(UTF_8).length));
    return sizes;
  }
}
