package io.capstan.cli.client;

import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * JSON and YAML mapping of the API's records. Unknown fields are ignored so that an older CLI keeps
 * working against a newer server.
 */
public final class WireCodec {
  private final JsonMapper json =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  private final YAMLMapper yaml =
      YAMLMapper.builder()
          .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
          .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
          .build();

  public String toJson(Object value) {
    return json.writeValueAsString(value);
  }

  public <T> T fromJson(String text, Class<T> type) {
    return json.readValue(text, type);
  }

  public <T> T fromJson(String text, TypeReference<T> type) {
    return json.readValue(text, type);
  }

  public <T> T fromTree(JsonNode node, Class<T> type) {
    return json.treeToValue(node, type);
  }

  /** Parses JSON into a tree; throws {@link JacksonException} when it is not JSON. */
  public JsonNode tree(String text) {
    return json.readTree(text);
  }

  public ArrayNode emptyArray() {
    return json.createArrayNode();
  }

  public String prettyJson(JsonNode node) {
    return json.writerWithDefaultPrettyPrinter().writeValueAsString(node);
  }

  /**
   * The documents of a YAML (or JSON) text, without empty or comment-only ones; throws {@link
   * JacksonException} when it is not YAML.
   */
  public java.util.List<JsonNode> yamlDocuments(String text) {
    java.util.List<JsonNode> documents = new java.util.ArrayList<>();
    try (tools.jackson.databind.MappingIterator<JsonNode> values =
        yaml.readerFor(JsonNode.class).readValues(text)) {
      while (values.hasNext()) {
        JsonNode document = values.next();
        if (document != null && !document.isNull() && !document.isMissingNode()) {
          documents.add(document);
        }
      }
    }
    return documents;
  }

  public String yaml(JsonNode node) {
    return yaml.writeValueAsString(node);
  }
}
