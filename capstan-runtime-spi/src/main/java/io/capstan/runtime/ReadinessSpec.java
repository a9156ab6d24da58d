package io.capstan.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A readiness probe, as Kubernetes' {@code httpGet} probe has it: the runtime sends {@code GET
 * path} with {@code headers} to the replica's port {@code port} every {@code period}, and the
 * replica is ready while the last answer came within {@code timeout} with a status from 200 to 399.
 * The runtime probes on its own threads (as the kubelet does); {@link ReplicaObservation#ready()}
 * reports the last result.
 *
 * <p>Header values may hold secrets (the model server's {@code Authorization: Bearer ...}): {@link
 * #toString()} shows their names only, and no runtime logs them.
 *
 * @param port the name of a port the launch declares ({@link PortSpec#name()})
 * @param path the request's path and query, starting with {@code /}
 * @param headers request headers, by name
 * @param period how often to probe, at least 10 ms
 * @param timeout how long one probe may take, at least 10 ms
 */
public record ReadinessSpec(
    String port, String path, Map<String, String> headers, Duration period, Duration timeout) {
  /** Kubernetes' default {@code periodSeconds}. */
  public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(10);

  /** Kubernetes' default {@code timeoutSeconds}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

  private static final Duration SHORTEST = Duration.ofMillis(10);

  public ReadinessSpec {
    requireNonNull(port, "port is null");
    requireNonNull(path, "path is null");
    requireNonNull(period, "period is null");
    requireNonNull(timeout, "timeout is null");
    if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
      throw new IllegalArgumentException(
          "Expected the readiness path to start with '/' and hold no spaces or control"
              + " characters, but was '"
              + path
              + "'");
    }
    Map<String, String> copy = new LinkedHashMap<>();
    requireNonNull(headers, "headers is null")
        .forEach(
            (name, value) -> {
              requireNonNull(name, "a header name is null");
              requireNonNull(value, "the value of header '" + name + "' is null");
              if (!name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                throw new IllegalArgumentException(
                    "Expected a readiness header name to be an HTTP token, but was '" + name + "'");
              }
              if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                throw new IllegalArgumentException(
                    "Expected the value of readiness header '"
                        + name
                        + "' to be one line, but it holds a line break");
              }
              copy.put(name, value);
            });
    headers = java.util.Collections.unmodifiableMap(copy);
    if (period.compareTo(SHORTEST) < 0 || timeout.compareTo(SHORTEST) < 0) {
      throw new IllegalArgumentException(
          "Expected a readiness period and timeout of at least 10 ms, but were "
              + period
              + " and "
              + timeout);
    }
  }

  /** {@code GET path} on port {@code port}, no headers, Kubernetes' default period and timeout. */
  public static ReadinessSpec httpGet(String port, String path) {
    return new ReadinessSpec(port, path, Map.of(), DEFAULT_PERIOD, DEFAULT_TIMEOUT);
  }

  /** This probe with one more request header (replacing one of the same name). */
  public ReadinessSpec withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new ReadinessSpec(port, path, more, period, timeout);
  }

  public ReadinessSpec withPeriod(Duration newPeriod) {
    return new ReadinessSpec(port, path, headers, newPeriod, timeout);
  }

  public ReadinessSpec withTimeout(Duration newTimeout) {
    return new ReadinessSpec(port, path, headers, period, newTimeout);
  }

  /** The probe without its header values, which may be secrets. */
  @Override
  public String toString() {
    return "ReadinessSpec[GET "
        + path
        + " on port "
        + port
        + ", headers "
        + headers.keySet()
        + ", every "
        + period
        + ", timeout "
        + timeout
        + "]";
  }
}
