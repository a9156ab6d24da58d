package io.capstan.server.job;

import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What a job's pod volumes may reach on this machine ({@code capstan.job-volumes.*}).
 *
 * @param allowedHostPaths the host folders (and everything under them) that a {@code hostPath}
 *     volume may mount; empty by default, so every {@code hostPath} is refused: a host path is
 *     shared by every project, which is the operator's decision, never a user's
 */
@ConfigurationProperties(prefix = "capstan.job-volumes")
public record JobVolumesConfig(List<String> allowedHostPaths) {
  public JobVolumesConfig {
    allowedHostPaths = allowedHostPaths == null ? List.of() : List.copyOf(allowedHostPaths);
    for (String path : allowedHostPaths) {
      if (!Path.of(path).isAbsolute() || !Path.of(path).normalize().toString().equals(path)) {
        throw new IllegalArgumentException(
            "Expected capstan.job-volumes.allowed-host-paths to hold absolute, normalized paths,"
                + " but found '"
                + path
                + "'");
      }
    }
  }

  /** No host path allowed. */
  public static JobVolumesConfig defaults() {
    return new JobVolumesConfig(List.of());
  }

  /** Whether {@code path} is an allowed folder or under one. */
  boolean allows(String path) {
    Path candidate = Path.of(path).normalize(); // names a path, never reads it
    return allowedHostPaths.stream().anyMatch(allowed -> candidate.startsWith(Path.of(allowed)));
  }
}
