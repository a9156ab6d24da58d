package io.capstan.api.model;

/**
 * A model version's file in the artifact store.
 *
 * @param key the store's key, e.g. {@code models/default/churn/3-1a2b3c4d.onnx}
 * @param format {@code onnx}
 * @param sizeBytes its size
 * @param sha256 its SHA-256, hex
 */
public record ArtifactView(String key, String format, long sizeBytes, String sha256) {}
