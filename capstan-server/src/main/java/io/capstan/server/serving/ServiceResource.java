package io.capstan.server.serving;

import io.capstan.api.ApiPaths;
import io.capstan.api.identity.ProjectRole;
import io.capstan.api.serving.ServiceSpec;
import io.capstan.api.serving.ServiceUpdate;
import io.capstan.api.serving.ServiceView;
import io.capstan.api.serving.TrafficRequest;
import io.capstan.server.identity.Access;
import io.capstan.server.identity.Caller;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The inference-service endpoints of {@link ApiPaths}: members read, editors change. */
@RestController
public class ServiceResource {
  private final ServingService services;
  private final Access access;

  ServiceResource(ServingService services, Access access) {
    this.services = services;
    this.access = access;
  }

  @PostMapping(path = ApiPaths.SERVICES, produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<ServiceView> create(
      Caller caller,
      @PathVariable String project,
      @RequestBody(required = false) ServiceSpec spec) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(services.create(project, spec, caller.user()));
  }

  @GetMapping(path = ApiPaths.SERVICES, produces = MediaType.APPLICATION_JSON_VALUE)
  public List<ServiceView> list(Caller caller, @PathVariable String project) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return services.list(project);
  }

  @GetMapping(path = ApiPaths.SERVICE, produces = MediaType.APPLICATION_JSON_VALUE)
  public ServiceView get(
      Caller caller, @PathVariable String project, @PathVariable String service) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return services.get(project, service);
  }

  @PatchMapping(path = ApiPaths.SERVICE, produces = MediaType.APPLICATION_JSON_VALUE)
  public ServiceView update(
      Caller caller,
      @PathVariable String project,
      @PathVariable String service,
      @RequestBody(required = false) ServiceUpdate update) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    return services.update(project, service, update, caller.user());
  }

  @PutMapping(path = ApiPaths.SERVICE_TRAFFIC, produces = MediaType.APPLICATION_JSON_VALUE)
  public ServiceView traffic(
      Caller caller,
      @PathVariable String project,
      @PathVariable String service,
      @RequestBody(required = false) TrafficRequest request) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    return services.traffic(project, service, request, caller.user());
  }

  @PostMapping(path = ApiPaths.SERVICE_PROMOTE, produces = MediaType.APPLICATION_JSON_VALUE)
  public ServiceView promote(
      Caller caller, @PathVariable String project, @PathVariable String service) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    return services.promote(project, service, caller.user());
  }

  @PostMapping(path = ApiPaths.SERVICE_ROLLBACK, produces = MediaType.APPLICATION_JSON_VALUE)
  public ServiceView rollback(
      Caller caller, @PathVariable String project, @PathVariable String service) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    return services.rollback(project, service, caller.user());
  }

  @DeleteMapping(path = ApiPaths.SERVICE)
  public ResponseEntity<Void> delete(
      Caller caller, @PathVariable String project, @PathVariable String service) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    services.delete(project, service);
    return ResponseEntity.noContent().build();
  }
}
