package io.capstan.server.web;

import io.capstan.api.ApiPaths;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/health}: whether the server answers, and its version; no authentication. */
@RestController
public class HealthController {
  /** The answer of the health endpoint. */
  public record Health(String status, String version) {}

  private final Health health;

  HealthController() {
    String version = HealthController.class.getPackage().getImplementationVersion();
    this.health = new Health("UP", version == null ? "development" : version);
  }

  @GetMapping(ApiPaths.HEALTH)
  public Health health() {
    return health;
  }
}
