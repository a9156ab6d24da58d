package io.capstan.server.projectdata;

import static java.util.Objects.requireNonNull;

import io.capstan.server.job.ProjectValues;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;

/**
 * What a job launcher reads of a project's secrets and config maps, to mount them as files or fill
 * {@code secretKeyRef}/{@code configMapKeyRef} variables: the values of one object by name, or
 * empty when the project has none of that name. Reads the database on every call (no cache), so a
 * replica started after a replace sees the new values. Callers must keep a secret's values out of
 * logs, events, statuses and error messages, as this class does.
 */
public final class ProjectDataLookup implements ProjectValues {
  private final DataStore store;
  private final DataCodec codec;

  ProjectDataLookup(DataStore store, DataCodec codec) {
    this.store = requireNonNull(store, "store is null");
    this.codec = requireNonNull(codec, "codec is null");
  }

  /**
   * The decrypted values of secret {@code name} of {@code project}, key to bytes (sorted by key,
   * unmodifiable), or empty when there is no such secret. Throws IllegalStateException when the
   * stored values cannot be decrypted (the data dir's {@code secrets.key} is not the one they were
   * written with); the message names the secret, never a value.
   */
  @Override
  public Optional<Map<String, byte[]>> secret(String project, String name) {
    requireNonNull(project, "project is null");
    requireNonNull(name, "name is null");
    return store
        .find(DataKind.SECRET, project, name)
        .map(record -> Collections.unmodifiableMap(codec.secretValues(record)));
  }

  /**
   * The values of config map {@code name} of {@code project}, key to text (sorted by key,
   * unmodifiable), or empty when there is no such config map.
   */
  @Override
  public Optional<Map<String, String>> configMap(String project, String name) {
    requireNonNull(project, "project is null");
    requireNonNull(name, "name is null");
    return store
        .find(DataKind.CONFIG_MAP, project, name)
        .map(record -> Collections.unmodifiableMap(codec.configMapValues(record)));
  }
}
