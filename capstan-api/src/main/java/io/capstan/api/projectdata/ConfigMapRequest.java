package io.capstan.api.projectdata;

import java.util.Map;

/**
 * A config map to create or replace, in the shape of a Kubernetes {@code ConfigMap}'s {@code data}.
 *
 * @param name a DNS-1123 label; on a replace, absent or the name in the path
 * @param data key to value as text; keys are {@code [-._a-zA-Z0-9]+}
 */
public record ConfigMapRequest(String name, Map<String, String> data) {}
