package io.capstan.server.projectdata;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * How values are kept in {@code project_data.values_text}: a config map's as JSON text (key to
 * value), a secret's as the same JSON with base64 values, encrypted by {@link SecretCipher}.
 */
final class DataCodec {
  /** The column's size; JSON escapes can make a config map's text longer than its bytes. */
  static final int MAX_STORED_CHARS = 3_000_000;

  private static final TypeReference<Map<String, String>> TEXT_MAP = new TypeReference<>() {};

  private final SecretCipher cipher;
  private final JsonMapper json;

  DataCodec(SecretCipher cipher, JsonMapper json) {
    this.cipher = requireNonNull(cipher, "cipher is null");
    this.json = requireNonNull(json, "json is null");
  }

  String encode(DataKind kind, String project, String name, Map<String, byte[]> values) {
    String stored;
    if (kind == DataKind.SECRET) {
      Map<String, String> encoded = new TreeMap<>();
      values.forEach((key, value) -> encoded.put(key, Base64.getEncoder().encodeToString(value)));
      stored = cipher.encrypt(json.writeValueAsBytes(encoded), kind.associated(project, name));
    } else {
      Map<String, String> text = new TreeMap<>();
      values.forEach((key, value) -> text.put(key, new String(value, StandardCharsets.UTF_8)));
      stored = json.writeValueAsString(text);
    }
    if (stored.length() > MAX_STORED_CHARS) {
      throw new CapstanException(
          ErrorCode.PAYLOAD_TOO_LARGE,
          "data",
          "Expected the values, as stored, to take at most "
              + MAX_STORED_CHARS
              + " characters, but they take "
              + stored.length()
              + " (many characters that JSON escapes); store them in a secret or base64-encoded");
    }
    return stored;
  }

  /** A secret's values, decrypted. */
  Map<String, byte[]> secretValues(DataRecord record) {
    byte[] plain =
        cipher.decrypt(
            record.values(), DataKind.SECRET.associated(record.project(), record.name()));
    Map<String, byte[]> values = new TreeMap<>();
    json.readValue(plain, TEXT_MAP)
        .forEach((key, value) -> values.put(key, Base64.getDecoder().decode(value)));
    return values;
  }

  /** A config map's values. */
  Map<String, String> configMapValues(DataRecord record) {
    return new TreeMap<>(json.readValue(record.values(), TEXT_MAP));
  }
}
