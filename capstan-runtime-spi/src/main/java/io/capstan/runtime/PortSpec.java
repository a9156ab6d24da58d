package io.capstan.runtime;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * A named port a replica listens on (a container port on Kubernetes).
 *
 * <p>The runtime tells the replica the port it must actually listen on in the variable {@link
 * #envName()} ({@code CAPSTAN_PORT_HTTP} for {@code http}): on Kubernetes that is {@code
 * containerPort}; the local runtime, whose replicas share the host's network, picks a free host
 * port per declared port instead. A command names it as {@code $(CAPSTAN_PORT_HTTP)} (see {@link
 * EnvExpansion}). Where peers reach the port is reported in {@link ReplicaObservation#endpoints()}.
 *
 * @param name a port name as Kubernetes has it: 1 to 15 lower-case letters, digits and {@code -},
 *     starting with a letter, not ending with {@code -}, no {@code --}; e.g. {@code http}, {@code
 *     grpc}
 * @param containerPort the port the container declares, 1 to 65535
 */
public record PortSpec(String name, int containerPort) {
  /** The prefix of the variable that announces a port to its replica. */
  public static final String ENV_PREFIX = "CAPSTAN_PORT_";

  public PortSpec {
    requireNonNull(name, "name is null");
    if (!name.matches("[a-z]([a-z0-9-]*[a-z0-9])?") || name.length() > 15 || name.contains("--")) {
      throw new IllegalArgumentException(
          "Expected a port name of 1 to 15 lower-case letters, digits and '-' that starts with a"
              + " letter (like 'http'), but was '"
              + name
              + "'");
    }
    if (containerPort < 1 || containerPort > 65535) {
      throw new IllegalArgumentException(
          "Expected the container port of port '"
              + name
              + "' to be between 1 and 65535, but was "
              + containerPort);
    }
  }

  /** The variable that tells the replica where to listen: {@code CAPSTAN_PORT_<NAME>}. */
  public String envName() {
    return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_');
  }
}
