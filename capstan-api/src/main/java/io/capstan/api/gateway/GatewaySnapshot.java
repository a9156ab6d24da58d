package io.capstan.api.gateway;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Everything the serving gateway needs to answer requests on its own: every service with its ready
 * replicas (and their secrets), and which API tokens may call which project's services. The gateway
 * keeps the last one it received, in memory and on disk, and serves with it while the control plane
 * is away.
 *
 * @param version changes whenever the content does; {@code <epoch>-<counter>}, the epoch new at
 *     every start of the control plane
 * @param services every service, with or without ready replicas
 * @param grants every API token that may call services, by the SHA-256 of its secret
 */
public record GatewaySnapshot(String version, List<Service> services, List<Grant> grants) {
  public GatewaySnapshot {
    requireNonNull(version, "version is null");
    services = services == null ? List.of() : List.copyOf(services);
    grants = grants == null ? List.of() : List.copyOf(grants);
  }

  /**
   * One service's routes.
   *
   * @param stableVersion the model version errors without a replica are counted against; null until
   *     one is resolved
   * @param canaryPercent share of requests for the canary, 0 to 100
   * @param stable ready replicas answering stable traffic (with, during a rollout, those of the
   *     version being replaced)
   * @param canary ready replicas of the canary
   */
  public record Service(
      String project,
      String name,
      Integer stableVersion,
      int canaryPercent,
      List<Backend> stable,
      List<Backend> canary) {
    public Service {
      requireNonNull(project, "project is null");
      requireNonNull(name, "name is null");
      stable = stable == null ? List.of() : List.copyOf(stable);
      canary = canary == null ? List.of() : List.copyOf(canary);
    }
  }

  /**
   * One ready replica.
   *
   * @param job the replica's job name (the key of its load in {@link GatewayReport})
   * @param version the model version it serves
   * @param secret what it requires as {@code Authorization: Bearer <secret>}; null when open
   */
  public record Backend(
      String job, int version, String host, int httpPort, int grpcPort, String secret) {
    public Backend {
      requireNonNull(job, "job is null");
      requireNonNull(host, "host is null");
    }

    /** Never the secret: snapshots' records end up in messages. */
    @Override
    public String toString() {
      return job + " (v" + version + " at " + host + ":" + httpPort + "/" + grpcPort + ")";
    }
  }

  /**
   * What one API token may call.
   *
   * @param tokenSha256 hex SHA-256 of the token's secret (as the control plane stores it)
   * @param admin an installation admin's token: every project's services
   * @param projects the projects its user is a member of (any role)
   */
  public record Grant(String tokenSha256, boolean admin, List<String> projects) {
    public Grant {
      requireNonNull(tokenSha256, "tokenSha256 is null");
      projects = projects == null ? List.of() : List.copyOf(projects);
    }
  }
}
