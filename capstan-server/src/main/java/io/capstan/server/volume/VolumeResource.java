package io.capstan.server.volume;

import io.capstan.api.ApiPaths;
import io.capstan.api.identity.ProjectRole;
import io.capstan.api.volume.VolumeView;
import io.capstan.server.audit.AuditNote;
import io.capstan.server.identity.Access;
import io.capstan.server.identity.Caller;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** The project-volume endpoints of {@link ApiPaths}. */
@RestController
public class VolumeResource {
  private final VolumeService volumes;
  private final Access access;

  VolumeResource(VolumeService volumes, Access access) {
    this.volumes = volumes;
    this.access = access;
  }

  @GetMapping(path = ApiPaths.VOLUMES, produces = MediaType.APPLICATION_JSON_VALUE)
  public List<VolumeView> list(Caller caller, @PathVariable String project) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return volumes.list(project);
  }

  @GetMapping(path = ApiPaths.VOLUME, produces = MediaType.APPLICATION_JSON_VALUE)
  public VolumeView get(Caller caller, @PathVariable String project, @PathVariable String volume) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return volumes.get(project, volume);
  }

  @DeleteMapping(path = ApiPaths.VOLUME)
  public ResponseEntity<Void> delete(
      Caller caller, AuditNote audit, @PathVariable String project, @PathVariable String volume) {
    access.requireProject(caller, project, ProjectRole.EDITOR);
    VolumeView before = volumes.get(project, volume);
    audit.object("volume", volume).before(Map.of("bytes", before.bytes(), "files", before.files()));
    volumes.delete(project, volume);
    return ResponseEntity.noContent().build();
  }
}
