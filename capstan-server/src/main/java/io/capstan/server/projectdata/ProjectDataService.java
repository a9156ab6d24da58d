package io.capstan.server.projectdata;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.projectdata.ConfigMapRequest;
import io.capstan.api.projectdata.ConfigMapView;
import io.capstan.api.projectdata.SecretRequest;
import io.capstan.api.projectdata.SecretView;
import io.capstan.server.store.Versions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A project's secrets and config maps: create, list, get, replace (compare-and-set on the
 * resourceVersion, decision 76) and delete. A secret's values go in and never come out here; only
 * {@link ProjectDataLookup} reads them. Request bodies are parsed here rather than by the web
 * layer, so that no parser's message can quote a value.
 */
public final class ProjectDataService {
  private final DataStore store;
  private final DataCodec codec;
  private final JsonMapper json;
  private final Clock clock;

  ProjectDataService(DataStore store, DataCodec codec, JsonMapper json, Clock clock) {
    this.store = requireNonNull(store, "store is null");
    this.codec = requireNonNull(codec, "codec is null");
    this.json = requireNonNull(json, "json is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** A {@code SecretRequest} read from a JSON body; the refusal names the field, not the value. */
  public SecretRequest readSecret(byte[] body) {
    return read(
        body, SecretRequest.class, "{\"name\":\"db\",\"stringData\":{\"password\":\"...\"}}");
  }

  /** A {@code ConfigMapRequest} read from a JSON body. */
  public ConfigMapRequest readConfigMap(byte[] body) {
    return read(
        body, ConfigMapRequest.class, "{\"name\":\"settings\",\"data\":{\"mode\":\"fast\"}}");
  }

  public SecretView createSecret(String project, SecretRequest request, String user) {
    Map<String, byte[]> values = DataRules.secretValues(request.data(), request.stringData());
    return secretView(create(DataKind.SECRET, project, request.name(), values, user));
  }

  public SecretView replaceSecret(
      String project, String name, SecretRequest request, OptionalLong expected, String user) {
    Map<String, byte[]> values = DataRules.secretValues(request.data(), request.stringData());
    return secretView(
        replace(DataKind.SECRET, project, name, request.name(), values, expected, user));
  }

  public List<SecretView> secrets(String project) {
    return store.list(DataKind.SECRET, project).stream()
        .map(ProjectDataService::secretView)
        .toList();
  }

  public SecretView secret(String project, String name) {
    return secretView(get(DataKind.SECRET, project, name));
  }

  public void deleteSecret(String project, String name) {
    delete(DataKind.SECRET, project, name);
  }

  public ConfigMapView createConfigMap(String project, ConfigMapRequest request, String user) {
    Map<String, byte[]> values = DataRules.configMapValues(request.data());
    return configMapView(create(DataKind.CONFIG_MAP, project, request.name(), values, user));
  }

  public ConfigMapView replaceConfigMap(
      String project, String name, ConfigMapRequest request, OptionalLong expected, String user) {
    Map<String, byte[]> values = DataRules.configMapValues(request.data());
    return configMapView(
        replace(DataKind.CONFIG_MAP, project, name, request.name(), values, expected, user));
  }

  public List<ConfigMapView> configMaps(String project) {
    return store.list(DataKind.CONFIG_MAP, project).stream().map(this::configMapView).toList();
  }

  public ConfigMapView configMap(String project, String name) {
    return configMapView(get(DataKind.CONFIG_MAP, project, name));
  }

  public void deleteConfigMap(String project, String name) {
    delete(DataKind.CONFIG_MAP, project, name);
  }

  /**
   * What the audit log keeps of a secret or config map: its name, its keys and the bytes of all its
   * values, never a value. Keys are a list rather than a map of sizes, since the audit log redacts
   * a field named like a credential ({@code password}) and a key is often named so.
   */
  public static Map<String, Object> auditSummary(String name, Map<String, Integer> keys) {
    int bytes = keys.values().stream().mapToInt(Integer::intValue).sum();
    return Map.of("name", name, "keys", List.copyOf(keys.keySet()), "bytes", bytes);
  }

  private DataRecord create(
      DataKind kind, String project, String name, Map<String, byte[]> values, String user) {
    DataRules.requireName("name", name);
    Instant now = clock.instant();
    DataRecord record =
        new DataRecord(
            project,
            kind,
            name,
            DataRules.sizes(values),
            codec.encode(kind, project, name, values),
            now,
            now,
            user,
            1);
    if (!store.insert(record)) {
      throw new CapstanException(
          ErrorCode.ALREADY_EXISTS,
          "name",
          "Expected a new name, but "
              + kind.describe(project, name)
              + " exists; replace it (PUT, or delete it first)");
    }
    return record;
  }

  private DataRecord replace(
      DataKind kind,
      String project,
      String name,
      String bodyName,
      Map<String, byte[]> values,
      OptionalLong expected,
      String user) {
    if (bodyName != null && !bodyName.equals(name)) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          "name",
          "Expected name to be '" + name + "' (the path's) or absent, but was '" + bodyName + "'");
    }
    String stored = codec.encode(kind, project, name, values);
    Map<String, Integer> keys = DataRules.sizes(values);
    Instant now = clock.instant();
    DataRecord before =
        Versions.change(
            kind.describe(project, name),
            expected,
            () -> get(kind, project, name),
            DataRecord::version,
            current -> store.replace(current.replacedBy(keys, stored, user, now)));
    return before.replacedBy(keys, stored, user, now).withVersion(before.version() + 1);
  }

  private DataRecord get(DataKind kind, String project, String name) {
    return store
        .find(kind, project, name)
        .orElseThrow(() -> CapstanException.notFound(kind.describe(project, name) + " not found"));
  }

  private void delete(DataKind kind, String project, String name) {
    if (!store.delete(kind, project, name)) {
      throw CapstanException.notFound(kind.describe(project, name) + " not found");
    }
  }

  private <T> T read(byte[] body, Class<T> type, String example) {
    if (body == null || body.length == 0) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          "body",
          "Expected a JSON object such as " + example + ", but the body was empty");
    }
    try {
      T request = json.readValue(body, type);
      if (request == null) {
        throw new CapstanException(
            ErrorCode.INVALID_ARGUMENT,
            "body",
            "Expected a JSON object such as " + example + ", but the body was null");
      }
      return request;
    } catch (JacksonException e) {
      // Never the parser's own message: it may quote the text around the error, a value.
      String field =
          e.getPath().stream()
              .map(JacksonException.Reference::getPropertyName)
              .filter(p -> p != null)
              .collect(Collectors.joining("."));
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          field.isEmpty() ? "body" : field,
          "Expected a JSON object such as "
              + example
              + " (values are strings)"
              + (field.isEmpty() ? "" : ", but " + field + " is not what it expects")
              + (e.getLocation() == null || e.getLocation().getLineNr() < 0
                  ? ""
                  : ", at line "
                      + e.getLocation().getLineNr()
                      + ", column "
                      + e.getLocation().getColumnNr()));
    }
  }

  private static SecretView secretView(DataRecord record) {
    return new SecretView(
        record.project(),
        record.name(),
        record.keys(),
        record.createdAt(),
        record.updatedAt(),
        record.updatedBy(),
        record.version());
  }

  private ConfigMapView configMapView(DataRecord record) {
    return new ConfigMapView(
        record.project(),
        record.name(),
        codec.configMapValues(record),
        record.createdAt(),
        record.updatedAt(),
        record.updatedBy(),
        record.version());
  }
}
