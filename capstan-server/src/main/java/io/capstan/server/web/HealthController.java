package io.capstan.server.web;

import io.capstan.api.ApiPaths;
import io.capstan.server.control.Leadership;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/health}: whether the server answers, its version, and whether this replica
 * runs the controllers ({@code leading}) or only answers the API ({@code following}, while another
 * replica holds the lease); no authentication.
 */
@RestController
public class HealthController {
  /** The answer of the health endpoint. */
  public record Health(String status, String version, String controllers) {}

  private final String version;
  private final Leadership leadership;

  HealthController(Leadership leadership) {
    String implementation = HealthController.class.getPackage().getImplementationVersion();
    this.version = implementation == null ? "development" : implementation;
    this.leadership = leadership;
  }

  @GetMapping(ApiPaths.HEALTH)
  public Health health() {
    return new Health("UP", version, leadership.leading() ? "leading" : "following");
  }
}
