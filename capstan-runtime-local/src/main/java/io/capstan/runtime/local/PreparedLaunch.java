package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.EnvExpansion;
import io.capstan.runtime.Mount;
import io.capstan.runtime.PortSpec;
import io.capstan.runtime.ReplicaLaunch;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A launch as the local runtime starts it: a free host port for each declared port, announced in
 * {@code CAPSTAN_PORT_<NAME>}; the command and args with {@code $(VAR)} expanded; its volume and
 * artifact mounts made host paths (see {@link LocalVolumes}) and its files read-only mounts of
 * where {@link ReplicaFiles} writes them; a working folder of the runtime's choosing when it names
 * none; and the request of its readiness probe.
 *
 * @param launch the launch with its command expanded, its work directory set and only host-path
 *     mounts, its files among them
 * @param env its environment with the port variables (which the launch itself leaves to us)
 * @param hostPorts the host port of each declared port, by name
 * @param probe the readiness probe's request, if it has one
 */
record PreparedLaunch(
    ReplicaLaunch launch,
    Map<String, String> env,
    Map<String, Integer> hostPorts,
    Optional<HttpRequest> probe) {
  PreparedLaunch {
    requireNonNull(launch, "launch is null");
    env = Map.copyOf(env);
    hostPorts = Map.copyOf(hostPorts);
    requireNonNull(probe, "probe is null");
  }

  /**
   * Prepares {@code launch} of the replica whose state is in {@code dir}.
   *
   * @throws IllegalArgumentException when its readiness probe cannot be sent
   */
  static PreparedLaunch of(
      ReplicaLaunch launch, ReplicaDirectory dir, PortReservations ports, LocalVolumes volumes) {
    Map<String, Integer> hostPorts = new LinkedHashMap<>();
    Map<String, String> env =
        new LinkedHashMap<>(
            Torchrun.resolveAuto(
                launch.env(), launch.resources().cpuMillis(), launch.gpuIndices().size()));
    for (PortSpec port : launch.ports()) {
      int hostPort = ports.reserve();
      hostPorts.put(port.name(), hostPort);
      env.put(port.envName(), Integer.toString(hostPort));
    }
    List<Mount> mounts = new ArrayList<>();
    for (int i = 0; i < launch.mounts().size(); i++) {
      mounts.add(volumes.resolve(launch.id(), launch.tenant(), launch.mounts().get(i), i));
    }
    mounts.addAll(ReplicaFiles.mounts(dir, launch.files()));
    ReplicaLaunch expanded =
        launch.toBuilder()
            .command(EnvExpansion.expand(launch.command(), env))
            .args(EnvExpansion.expand(launch.args(), env))
            .mounts(mounts)
            .files(List.of())
            .workDir(launch.workDir() != null ? launch.workDir() : volumes.workDir(launch.id()))
            .build();
    Optional<HttpRequest> probe =
        Optional.ofNullable(launch.readiness())
            .map(spec -> ReadinessProber.request(hostPorts.get(spec.port()), spec));
    return new PreparedLaunch(expanded, env, hostPorts, probe);
  }
}
