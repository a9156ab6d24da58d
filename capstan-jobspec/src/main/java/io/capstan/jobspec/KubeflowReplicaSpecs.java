package io.capstan.jobspec;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.RestartPolicy;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the replica specs of a Kubeflow v1 job ({@code pytorchReplicaSpecs}, {@code
 * tfReplicaSpecs}, ...) into replica groups in rank order.
 *
 * <p>Each replica spec is {@code {replicas, restartPolicy, template}}, and its pod template is read
 * by {@link ReplicaTemplate} for the framework's container (the first, for a framework that names
 * none); the fields Capstan does not act on are listed by {@link #ignored}. Replica type keys are
 * matched ignoring case.
 *
 * <p>Restart policies: {@code Always} is treated as {@code OnFailure} (locally a replica that exits
 * with 0 is done, not restarted); an absent policy is the framework's default, as in the Training
 * Operator ({@code OnFailure} for PyTorchJob, {@code Never} for TFJob) or of the replica type (the
 * MPI Operator's launcher).
 */
final class KubeflowReplicaSpecs {
  /**
   * A Kubeflow replica type: the key as Kubeflow writes it ({@code Worker}) and its role.
   *
   * @param key the key in the replica specs map
   * @param role the Capstan role; two keys may share one (TFJob's Master and Chief)
   * @param restartPolicy the policy of a replica spec of this type that names none, or null for the
   *     framework's
   * @param defaultCommand the command of a container with neither command nor args (the MPI
   *     Operator's worker runs sshd), or empty when one of them is required
   */
  record ReplicaType(
      String key, ReplicaRole role, RestartPolicy restartPolicy, List<String> defaultCommand) {
    ReplicaType {
      requireNonNull(key, "key is null");
      requireNonNull(role, "role is null");
      defaultCommand = List.copyOf(defaultCommand);
    }

    /** A type with the framework's restart policy and a required command. */
    ReplicaType(String key, ReplicaRole role) {
      this(key, role, null, List.of());
    }
  }

  private final String field;
  private final String containerName;
  private final List<ReplicaType> types;
  private final RestartPolicy defaultRestartPolicy;

  /**
   * @param field the spec field holding the replica specs, such as {@code pytorchReplicaSpecs}
   * @param containerName the container to run when a pod has several, such as {@code pytorch}, or
   *     null for the first
   * @param types the accepted replica types, in rank order of their roles
   * @param defaultRestartPolicy the policy of a replica spec that names none
   */
  KubeflowReplicaSpecs(
      String field,
      String containerName,
      List<ReplicaType> types,
      RestartPolicy defaultRestartPolicy) {
    this.field = requireNonNull(field, "field is null");
    this.containerName = containerName;
    this.types = List.copyOf(types);
    this.defaultRestartPolicy =
        requireNonNull(defaultRestartPolicy, "defaultRestartPolicy is null");
  }

  /** Reads the replica specs of {@code spec}, ordered by role rank. */
  List<ReplicaGroupSpec> read(SpecMap spec) {
    SpecMap specs = spec.requiredMap(field);
    Map<ReplicaRole, ReplicaGroupSpec> groups = new EnumMap<>(ReplicaRole.class);
    Map<ReplicaRole, String> keys = new EnumMap<>(ReplicaRole.class);
    for (String key : specs.values().keySet()) {
      ReplicaType type = type(specs, key);
      String previous = keys.putIfAbsent(type.role(), key);
      if (previous != null) {
        throw specs
            .pathOf(key)
            .invalid(
                "Expected one replica spec for role '"
                    + type.role().wireName()
                    + "' in "
                    + specs.path()
                    + ", but found both '"
                    + previous
                    + "' and '"
                    + key
                    + "'");
      }
      groups.put(type.role(), group(replicaSpec(specs, key), type));
    }
    List<ReplicaGroupSpec> ordered = new ArrayList<>();
    for (ReplicaType type : types) {
      ReplicaGroupSpec group = groups.remove(type.role());
      if (group != null) {
        ordered.add(group);
      }
    }
    ReplicaLimits.checkJob(ordered, specs.path());
    return ordered;
  }

  /**
   * The fields of every replica spec's pod template that Capstan accepts but does not act on, by
   * their path in the document (a second container's path says that it does not run).
   */
  List<String> ignored(SpecMap spec) {
    SpecMap specs = spec.requiredMap(field);
    List<String> ignored = new ArrayList<>();
    for (String key : specs.values().keySet()) {
      ignored.addAll(
          ReplicaTemplate.ignored(
              specs.requiredMap(key).optionalMap("template"), containerName, Set.of()));
    }
    return ignored;
  }

  private ReplicaType type(SpecMap specs, String key) {
    for (ReplicaType type : types) {
      if (type.key().equalsIgnoreCase(key)) {
        return type;
      }
    }
    throw specs
        .pathOf(key)
        .invalid(
            "Expected the replica types of "
                + specs.path()
                + " to be among "
                + types.stream().map(ReplicaType::key).collect(Collectors.joining(", "))
                + ", but found '"
                + key
                + "'");
  }

  private static SpecMap replicaSpec(SpecMap specs, String key) {
    if (!specs.has(key)) {
      throw specs
          .pathOf(key)
          .invalid("Expected " + specs.pathOf(key) + " to be a replica spec, but it is empty");
    }
    return specs.requiredMap(key);
  }

  private ReplicaGroupSpec group(SpecMap replicaSpec, ReplicaType type) {
    ReplicaRole role = type.role();
    int count = ReplicaLimits.count(replicaSpec, "replicas", role);
    RestartPolicy restartPolicy =
        restartPolicy(
            replicaSpec,
            type.restartPolicy() == null ? defaultRestartPolicy : type.restartPolicy());
    return ReplicaTemplate.group(
        replicaSpec.requiredMap("template"),
        containerName,
        role,
        count,
        restartPolicy,
        type.defaultCommand());
  }

  private static RestartPolicy restartPolicy(SpecMap replicaSpec, RestartPolicy absent) {
    String name = replicaSpec.optionalString("restartPolicy");
    if (name == null) {
      return absent;
    }
    if (name.equals("Always")) {
      return RestartPolicy.ON_FAILURE;
    }
    RestartPolicy policy = RestartPolicy.fromWire(name);
    if (policy == null) {
      throw replicaSpec
          .pathOf("restartPolicy")
          .invalid(
              "Expected "
                  + replicaSpec.pathOf("restartPolicy")
                  + " to be one of Always, OnFailure, Never, ExitCode, but was '"
                  + name
                  + "'");
    }
    return policy;
  }
}
