package io.capstan.server.audit;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns what a call changed into the short JSON object an audit event keeps: secrets redacted by
 * their field's name (token, secret, password, credential, key ...), long strings and arrays cut,
 * deep nesting dropped, at most {@value #MAX_CHARS} characters.
 */
final class Summaries {
  static final int MAX_CHARS = 4000;
  static final String REDACTED = "[redacted]";
  private static final int MAX_STRING = 200;
  private static final int MAX_ITEMS = 20;
  private static final int MAX_DEPTH = 4;
  private static final Pattern SECRET =
      Pattern.compile(
          "(?i).*(token|secret|passw|credential|authorization|cookie|api[-_]?key|private[-_]?key).*");

  private final JsonMapper json;

  Summaries(JsonMapper json) {
    this.json = requireNonNull(json, "json is null");
  }

  /** The summary of a value a feature noted (a record, a map), or null. */
  String of(Object value) {
    if (value == null) {
      return null;
    }
    return text(json.valueToTree(value));
  }

  /** The summary of a JSON request body, or null when it is empty, cut short or not an object. */
  String ofBody(byte[] body, boolean complete) {
    if (!complete || body.length == 0) {
      return null;
    }
    try {
      JsonNode tree = json.readTree(body);
      return tree != null && tree.isObject() ? text(tree) : null;
    } catch (JacksonException e) {
      return null; // the controller refused it too; the event says so by its status
    }
  }

  /** The name the body gives the object it creates ({@code name}, else {@code user}), or null. */
  String nameIn(String summary) {
    if (summary == null) {
      return null;
    }
    JsonNode tree = json.readTree(summary);
    for (String field : new String[] {"name", "user"}) {
      JsonNode value = tree.get(field);
      if (value != null && value.isString() && !value.asString().equals(REDACTED)) {
        return value.asString();
      }
    }
    return null;
  }

  /** A stored summary as the API answers it. */
  Map<String, Object> parse(String summary) {
    return summary == null
        ? null
        : json.readValue(summary, new TypeReference<Map<String, Object>>() {});
  }

  private String text(JsonNode tree) {
    JsonNode clean = clean(tree, 0);
    ObjectNode object;
    if (clean.isObject()) {
      object = (ObjectNode) clean;
    } else {
      object = json.createObjectNode();
      object.set("value", clean);
    }
    String text = json.writeValueAsString(object);
    if (text.length() <= MAX_CHARS) {
      return text;
    }
    ObjectNode omitted = json.createObjectNode();
    omitted.put("omitted", "a summary of " + text.length() + " characters");
    return json.writeValueAsString(omitted);
  }

  private JsonNode clean(JsonNode node, int depth) {
    if (node.isObject()) {
      ObjectNode copy = json.createObjectNode();
      if (depth >= MAX_DEPTH) {
        copy.put("omitted", node.size() + " fields");
        return copy;
      }
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        copy.set(
            field.getKey(),
            SECRET.matcher(field.getKey()).matches() && !field.getValue().isNull()
                ? json.getNodeFactory().stringNode(REDACTED)
                : clean(field.getValue(), depth + 1));
      }
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = json.createArrayNode();
      for (int i = 0; i < Math.min(node.size(), MAX_ITEMS); i++) {
        copy.add(clean(node.get(i), depth + 1));
      }
      if (node.size() > MAX_ITEMS) {
        copy.add("... " + (node.size() - MAX_ITEMS) + " more");
      }
      return copy;
    }
    if (node.isString() && node.asString().length() > MAX_STRING) {
      return json.getNodeFactory().stringNode(node.asString().substring(0, MAX_STRING) + "...");
    }
    return node;
  }
}
