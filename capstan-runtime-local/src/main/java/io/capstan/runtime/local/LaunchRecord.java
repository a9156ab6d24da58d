package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;

/**
 * What {@code launch.properties} records of one replica's launch.
 *
 * @param attempt the attempt it was launched with
 * @param image the image it was launched with
 * @param startedAt when it was started
 * @param logFile the file its output is appended to
 */
record LaunchRecord(int attempt, String image, Instant startedAt, Path logFile) {
  LaunchRecord {
    requireNonNull(startedAt, "startedAt is null");
    requireNonNull(logFile, "logFile is null");
  }

  Properties toProperties() {
    Properties properties = new Properties();
    properties.setProperty("attempt", Integer.toString(attempt));
    properties.setProperty("image", image == null ? "" : image);
    properties.setProperty("started-at", startedAt.toString());
    properties.setProperty("log-file", logFile.toString());
    return properties;
  }

  static LaunchRecord fromProperties(Properties properties) {
    String image = properties.getProperty("image", "");
    return new LaunchRecord(
        Integer.parseInt(required(properties, "attempt")),
        image.isEmpty() ? null : image,
        Instant.parse(required(properties, "started-at")),
        Path.of(required(properties, "log-file")));
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
