package io.capstan.server.image;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.image.ImageEnvironment;
import io.capstan.api.image.ImageEnvironmentList;
import io.capstan.runtime.ImageMap;
import io.capstan.runtime.WorkloadRuntime;
import io.capstan.server.audit.AuditNote;
import io.capstan.server.identity.Access;
import io.capstan.server.identity.Caller;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The runtime's image map ({@code capstan env}, decision 82): every signed-in user reads it,
 * installation admins change it. A runtime of real images has none: 404 saying so.
 */
@RestController
public class ImageMapController {
  private static final String KIND = "environment";

  private final WorkloadRuntime runtime;
  private final Access access;

  ImageMapController(WorkloadRuntime runtime, Access access) {
    this.runtime = requireNonNull(runtime, "runtime is null");
    this.access = requireNonNull(access, "access is null");
  }

  /** Every entry in use; with {@code pattern}, only that entry (404 when there is none). */
  @GetMapping(ApiPaths.ENVIRONMENTS)
  public ImageEnvironmentList list(Caller caller, @RequestParam(required = false) String pattern) {
    requireNonNull(caller, "caller is null");
    ImageEnvironmentList all = images().list();
    if (pattern == null) {
      return all;
    }
    ImageEnvironment entry =
        all.entries().stream()
            .filter(e -> e.pattern().equals(pattern))
            .findFirst()
            .orElseThrow(
                () ->
                    CapstanException.notFound(
                        "Image map entry '"
                            + pattern
                            + "' not found; capstan env list shows the entries in use"));
    return new ImageEnvironmentList(all.file(), all.problem(), List.of(entry));
  }

  /** Adds or replaces the operator's entry of the body's pattern (admins). */
  @PutMapping(ApiPaths.ENVIRONMENTS)
  public ImageEnvironment set(Caller caller, AuditNote audit, @RequestBody ImageEnvironment entry) {
    access.requireAdmin(caller);
    ImageMap images = images();
    if (entry.pattern() == null || entry.pattern().isBlank()) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          "pattern",
          "Expected the image pattern of the entry, such as 'pytorch/pytorch:*', but it is missing");
    }
    audit.object(KIND, entry.pattern());
    images.get(entry.pattern()).ifPresent(audit::before);
    ImageEnvironment stored = images.set(entry);
    audit.after(stored);
    return stored;
  }

  /** Removes the operator's entry of {@code pattern} (admins); a built-in one applies again. */
  @DeleteMapping(ApiPaths.ENVIRONMENTS)
  public ResponseEntity<Void> delete(Caller caller, AuditNote audit, @RequestParam String pattern) {
    access.requireAdmin(caller);
    ImageMap images = images();
    audit.object(KIND, pattern);
    ImageEnvironment before =
        images
            .get(pattern)
            .orElseThrow(
                () ->
                    CapstanException.notFound(
                        "Image map entry '"
                            + pattern
                            + "' not found; capstan env list shows the entries in use"));
    if (!ImageEnvironment.FILE.equals(before.origin())) {
      throw new CapstanException(
          ErrorCode.INVALID_STATE,
          "pattern",
          "Expected an entry of the operator's file, but '"
              + pattern
              + "' is built in: it cannot be deleted, only replaced with capstan env set");
    }
    audit.before(before);
    images.delete(pattern);
    return ResponseEntity.noContent().build();
  }

  private ImageMap images() {
    return runtime
        .images()
        .orElseThrow(
            () ->
                new CapstanException(
                    ErrorCode.NOT_FOUND,
                    "Expected a runtime whose images are stand-ins on the host (the local"
                        + " runtime), but runtime '"
                        + runtime.name()
                        + "' runs real images: an image is what its registry holds, with its own"
                        + " entrypoint and files"));
  }
}
