package io.capstan.cli.projectdata;

import io.capstan.cli.CliException;
import io.capstan.cli.client.WireCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The request body of {@code capstan secret|configmap create}, from literals and files as {@code
 * kubectl create secret generic} takes them, or from a Kubernetes {@code Secret} or {@code
 * ConfigMap} document. Errors name the flag or field and never quote a value.
 */
final class DataSources {
  private DataSources() {}

  /** The body: {@code {"name", "data", "stringData"}} of a secret, {@code {"name","data"}}. */
  record Body(String name, Map<String, String> data, Map<String, String> stringData) {
    Map<String, Object> wire(DataKind kind) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      body.put("data", data);
      if (kind == DataKind.SECRET) {
        body.put("stringData", stringData);
      }
      return body;
    }
  }

  /**
   * A body from {@code --from-literal KEY=VALUE} and {@code --from-file [KEY=]PATH} (the key is the
   * file's name when not given). A secret keeps literals as text and files as base64; a config
   * map's files must be UTF-8 text.
   */
  static Body fromFlags(DataKind kind, String name, List<String> literals, List<String> files) {
    Map<String, String> data = new LinkedHashMap<>();
    Map<String, String> text = new LinkedHashMap<>();
    for (String literal : literals) {
      int eq = literal.indexOf('=');
      if (eq <= 0) {
        throw CliException.usage(
            "Expected --from-literal as KEY=VALUE, but found no KEY= before the value");
      }
      put(
          kind == DataKind.SECRET ? text : data,
          literal.substring(0, eq),
          literal.substring(eq + 1));
    }
    for (String file : files) {
      int eq = file.indexOf('=');
      Path path = Path.of(eq < 0 ? file : file.substring(eq + 1));
      String key = eq < 0 ? String.valueOf(path.getFileName()) : file.substring(0, eq);
      byte[] bytes = read(path);
      put(
          data,
          key,
          kind == DataKind.SECRET ? Base64.getEncoder().encodeToString(bytes) : utf8(path, bytes));
    }
    return new Body(name, data, text);
  }

  /**
   * A body from the one {@code Secret} or {@code ConfigMap} document of a YAML or JSON text: {@code
   * metadata.name}, {@code data} (base64 for a secret) and a secret's {@code stringData}. A {@code
   * metadata.namespace} is ignored (the project is Capstan's namespace); {@code binaryData} and a
   * secret {@code type} other than {@code Opaque} are refused, since Capstan keeps neither.
   */
  static Body fromDocument(DataKind kind, String source, String text, WireCodec codec) {
    List<JsonNode> documents;
    try {
      documents = codec.yamlDocuments(text);
    } catch (JacksonException e) {
      throw CliException.usage(
          "Expected " + source + " to be a YAML or JSON document, but it could not be read");
    }
    if (documents.size() != 1) {
      throw CliException.usage(
          "Expected one "
              + kind.kubernetesKind
              + " document in "
              + source
              + ", but found "
              + documents.size());
    }
    JsonNode document = documents.get(0);
    String found = document.path("kind").asString("");
    if (!found.equals(kind.kubernetesKind)) {
      throw CliException.usage(
          "Expected kind: "
              + kind.kubernetesKind
              + " in "
              + source
              + ", but found "
              + (found.isEmpty() ? "none" : "'" + found + "'"));
    }
    if (document.has("binaryData")) {
      throw CliException.usage(
          "binaryData of "
              + source
              + " is not supported: a config map holds text; put binary"
              + " values in a secret");
    }
    String type = document.path("type").asString("Opaque");
    if (!type.equals("Opaque")) {
      throw CliException.usage(
          "type '"
              + type
              + "' of "
              + source
              + " is not supported: Capstan keeps Opaque secrets"
              + " (keys and values) only");
    }
    String name = document.path("metadata").path("name").asString(null);
    return new Body(
        name,
        strings(document.path("data"), "data", source),
        kind == DataKind.SECRET
            ? strings(document.path("stringData"), "stringData", source)
            : null);
  }

  private static Map<String, String> strings(JsonNode node, String field, String source) {
    Map<String, String> map = new LinkedHashMap<>();
    if (node.isMissingNode() || node.isNull()) {
      return map;
    }
    if (!node.isObject()) {
      throw CliException.usage("Expected " + field + " of " + source + " to be a map of keys");
    }
    Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> entry = fields.next();
      if (!entry.getValue().isValueNode() || entry.getValue().isNull()) {
        throw CliException.usage(
            "Expected " + field + "." + entry.getKey() + " of " + source + " to be a string");
      }
      map.put(entry.getKey(), entry.getValue().asString());
    }
    return map;
  }

  private static void put(Map<String, String> map, String key, String value) {
    if (map.put(key, value) != null) {
      throw CliException.usage("Expected each key once, but '" + key + "' is given twice");
    }
  }

  private static byte[] read(Path path) {
    try {
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw CliException.usage("Cannot read --from-file " + path + ": " + e.getMessage());
    }
  }

  private static String utf8(Path path, byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw CliException.usage(
          "Expected --from-file "
              + path
              + " to be UTF-8 text (a config map holds text), but it is not; use a secret for"
              + " binary values");
    }
  }
}
