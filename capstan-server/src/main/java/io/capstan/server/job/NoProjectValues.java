package io.capstan.server.job;

import java.util.Map;
import java.util.Optional;

/** A project store without secrets or config maps (a test's launcher). */
enum NoProjectValues implements ProjectValues {
  INSTANCE;

  @Override
  public Optional<Map<String, byte[]>> secret(String project, String name) {
    return Optional.empty();
  }

  @Override
  public Optional<Map<String, String>> configMap(String project, String name) {
    return Optional.empty();
  }
}
