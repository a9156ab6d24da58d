package io.capstan.server.job;

import java.util.Map;
import java.util.Optional;

/**
 * The secrets and config maps of a project, as a job's volumes and environment read them: by
 * project and name, every key with its value.
 */
public interface ProjectValues {
  /** The secret {@code name} of {@code project}: key to value; empty when there is none. */
  Optional<Map<String, byte[]>> secret(String project, String name);

  /** The config map {@code name} of {@code project}: key to value; empty when there is none. */
  Optional<Map<String, String>> configMap(String project, String name);
}
