package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What {@code launch.properties} records of one replica's launch.
 *
 * @param attempt the attempt it was launched with
 * @param image the image it was launched with
 * @param startedAt when it was started
 * @param logFile the file its output is appended to: {@link ReplicaDirectory#LOG} in its directory
 *     (a replica launched by an earlier version may name a file elsewhere, which it keeps using)
 * @param hostPorts the host port chosen for each declared port, by port name
 * @param probed whether it has a readiness probe (kept apart, see {@link ReadinessRecord})
 */
record LaunchRecord(
    int attempt,
    String image,
    Instant startedAt,
    Path logFile,
    Map<String, Integer> hostPorts,
    boolean probed) {
  private static final String PORT_PREFIX = "port.";

  LaunchRecord {
    requireNonNull(startedAt, "startedAt is null");
    requireNonNull(logFile, "logFile is null");
    hostPorts = Map.copyOf(requireNonNull(hostPorts, "hostPorts is null"));
  }

  Properties toProperties() {
    Properties properties = new Properties();
    properties.setProperty("attempt", Integer.toString(attempt));
    properties.setProperty("image", image == null ? "" : image);
    properties.setProperty("started-at", startedAt.toString());
    properties.setProperty("log-file", logFile.toString());
    hostPorts.forEach((name, port) -> properties.setProperty(PORT_PREFIX + name, port.toString()));
    properties.setProperty("readiness-probe", Boolean.toString(probed));
    return properties;
  }

  static LaunchRecord fromProperties(Properties properties) {
    String image = properties.getProperty("image", "");
    Map<String, Integer> ports = new TreeMap<>();
    for (String key : properties.stringPropertyNames()) {
      if (key.startsWith(PORT_PREFIX)) {
        ports.put(
            key.substring(PORT_PREFIX.length()), Integer.valueOf(properties.getProperty(key)));
      }
    }
    return new LaunchRecord(
        Integer.parseInt(required(properties, "attempt")),
        image.isEmpty() ? null : image,
        Instant.parse(required(properties, "started-at")),
        Path.of(required(properties, "log-file")),
        ports,
        Boolean.parseBoolean(properties.getProperty("readiness-probe", "false")));
  }

  private static String required(Properties properties, String key) {
    String value = properties.getProperty(key);
    if (value == null) {
      throw new IllegalStateException(
          "Expected '" + key + "' in a replica's launch.properties, but it is missing");
    }
    return value;
  }
}
