package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.ReadinessSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What {@code readiness.properties} records of a replica's readiness probe, so that a restarted
 * control plane's runtime probes the replicas it re-adopts. The file is readable by its owner only:
 * header values may be secrets.
 *
 * @param hostPort the host port the probe dials
 * @param spec the probe
 */
record ReadinessRecord(int hostPort, ReadinessSpec spec) {
  private static final String HEADER_NAME = "header.%d.name";
  private static final String HEADER_VALUE = "header.%d.value";

  ReadinessRecord {
    requireNonNull(spec, "spec is null");
  }

  Properties toProperties() {
    Properties properties = new Properties();
    properties.setProperty("host-port", Integer.toString(hostPort));
    properties.setProperty("port", spec.port());
    properties.setProperty("path", spec.path());
    properties.setProperty("period-millis", Long.toString(spec.period().toMillis()));
    properties.setProperty("timeout-millis", Long.toString(spec.timeout().toMillis()));
    int index = 0;
    for (Map.Entry<String, String> header : spec.headers().entrySet()) {
      properties.setProperty(HEADER_NAME.formatted(index), header.getKey());
      properties.setProperty(HEADER_VALUE.formatted(index), header.getValue());
      index++;
    }
    return properties;
  }

  static ReadinessRecord fromProperties(Properties properties) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (int index = 0; properties.containsKey(HEADER_NAME.formatted(index)); index++) {
      headers.put(
          properties.getProperty(HEADER_NAME.formatted(index)),
          properties.getProperty(HEADER_VALUE.formatted(index), ""));
    }
    return new ReadinessRecord(
        Integer.parseInt(properties.getProperty("host-port")),
        new ReadinessSpec(
            properties.getProperty("port"),
            properties.getProperty("path"),
            headers,
            Duration.ofMillis(Long.parseLong(properties.getProperty("period-millis"))),
            Duration.ofMillis(Long.parseLong(properties.getProperty("timeout-millis")))));
  }
}
