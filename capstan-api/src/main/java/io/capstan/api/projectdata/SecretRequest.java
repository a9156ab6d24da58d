package io.capstan.api.projectdata;

import java.util.Map;

/**
 * A secret to create or replace, in the shape of a Kubernetes {@code Secret}: values either
 * base64-encoded in {@code data} or as text in {@code stringData} (a key in both takes the {@code
 * stringData} value, as Kubernetes does).
 *
 * @param name a DNS-1123 label; on a replace, absent or the name in the path
 * @param data key to base64-encoded value; keys are {@code [-._a-zA-Z0-9]+}
 * @param stringData key to value as UTF-8 text
 */
public record SecretRequest(
    String name, Map<String, String> data, Map<String, String> stringData) {}
