package io.capstan.server.projectdata;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One stored secret or config map: its keys with the size of each value in clear, and its values as
 * stored ({@code values}: a config map's JSON text, a secret's ciphertext).
 */
record DataRecord(
    String project,
    DataKind kind,
    String name,
    Map<String, Integer> keys,
    String values,
    Instant createdAt,
    Instant updatedAt,
    String updatedBy,
    long version) {
  DataRecord {
    requireNonNull(project, "project is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(name, "name is null");
    keys = Collections.unmodifiableMap(new TreeMap<>(keys));
    requireNonNull(values, "values is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(updatedAt, "updatedAt is null");
    requireNonNull(updatedBy, "updatedBy is null");
  }

  /** This record with other keys and values, written by {@code user} at {@code now}. */
  DataRecord replacedBy(Map<String, Integer> newKeys, String newValues, String user, Instant now) {
    return new DataRecord(project, kind, name, newKeys, newValues, createdAt, now, user, version);
  }

  DataRecord withVersion(long newVersion) {
    return new DataRecord(
        project, kind, name, keys, values, createdAt, updatedAt, updatedBy, newVersion);
  }
}
