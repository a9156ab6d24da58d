package io.capstan.server.notebook;

import io.capstan.api.ApiPaths;
import io.capstan.api.identity.ProjectRole;
import io.capstan.api.notebook.NotebookLogin;
import io.capstan.api.notebook.NotebookSettings;
import io.capstan.api.notebook.NotebookSpec;
import io.capstan.api.notebook.NotebookView;
import io.capstan.server.identity.Access;
import io.capstan.server.identity.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** The notebook endpoints of {@link ApiPaths}: members read, editors create, run and stop. */
@RestController
public class NotebookResource {
  private final NotebookService notebooks;
  private final NotebookLogins logins;
  private final Access access;

  NotebookResource(NotebookService notebooks, NotebookLogins logins, Access access) {
    this.notebooks = notebooks;
    this.logins = logins;
    this.access = access;
  }

  @PostMapping(path = ApiPaths.NOTEBOOKS, produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<NotebookView> create(
      Caller caller,
      @PathVariable String project,
      @RequestBody(required = false) NotebookSpec spec) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(notebooks.create(project, spec, caller.user()));
  }

  @GetMapping(path = ApiPaths.NOTEBOOKS, produces = MediaType.APPLICATION_JSON_VALUE)
  public List<NotebookView> list(Caller caller, @PathVariable String project) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return notebooks.list(project);
  }

  @GetMapping(path = ApiPaths.NOTEBOOK, produces = MediaType.APPLICATION_JSON_VALUE)
  public NotebookView get(
      Caller caller, @PathVariable String project, @PathVariable String notebook) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return notebooks.get(project, notebook);
  }

  @PostMapping(path = ApiPaths.NOTEBOOK_STOP, produces = MediaType.APPLICATION_JSON_VALUE)
  public NotebookView stop(
      Caller caller, @PathVariable String project, @PathVariable String notebook) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    return notebooks.stop(project, notebook, caller.user());
  }

  @PostMapping(path = ApiPaths.NOTEBOOK_START, produces = MediaType.APPLICATION_JSON_VALUE)
  public NotebookView start(
      Caller caller, @PathVariable String project, @PathVariable String notebook) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    return notebooks.start(project, notebook, caller.user());
  }

  /** 204 when the notebook and its workspace are gone, 202 while its server still stops. */
  @DeleteMapping(path = ApiPaths.NOTEBOOK)
  public ResponseEntity<Void> delete(
      Caller caller, @PathVariable String project, @PathVariable String notebook) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    return notebooks.delete(project, notebook, caller.user())
        ? ResponseEntity.noContent().build()
        : ResponseEntity.accepted().build();
  }

  /** A redirect to the log of the notebook's server (its workload's log), with the same query. */
  @GetMapping(path = ApiPaths.NOTEBOOK_LOGS)
  public ResponseEntity<Void> logs(
      Caller caller,
      @PathVariable String project,
      @PathVariable String notebook,
      HttpServletRequest request) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    String job = notebooks.jobName(project, notebook);
    String query = request.getQueryString() == null ? "" : "?" + request.getQueryString();
    return ResponseEntity.status(HttpStatus.TEMPORARY_REDIRECT)
        .location(URI.create(ApiPaths.expand(ApiPaths.JOB_LOGS, project, job) + query))
        .build();
  }

  @PostMapping(path = ApiPaths.NOTEBOOK_LOGIN, produces = MediaType.APPLICATION_JSON_VALUE)
  public NotebookLogin login(
      Caller caller, @PathVariable String project, @PathVariable String notebook) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    String path = notebooks.get(project, notebook).path();
    NotebookLogins.Issued issued = logins.issue(caller.user(), path);
    String link = path + "?" + NotebookLogins.PARAMETER + "=" + issued.code();
    String url = ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString() + link;
    return new NotebookLogin(url, link, issued.expiresAt());
  }

  @GetMapping(path = ApiPaths.NOTEBOOK_SETTINGS, produces = MediaType.APPLICATION_JSON_VALUE)
  public NotebookSettings settings(Caller caller, @PathVariable String project) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return notebooks.settings(project);
  }

  @PutMapping(path = ApiPaths.NOTEBOOK_SETTINGS, produces = MediaType.APPLICATION_JSON_VALUE)
  public NotebookSettings setSettings(
      Caller caller,
      @PathVariable String project,
      @RequestBody(required = false) NotebookSettings settings) {
    access.requireProject(caller, project, ProjectRole.ADMIN);
    return notebooks.setSettings(project, settings, caller.user());
  }
}
