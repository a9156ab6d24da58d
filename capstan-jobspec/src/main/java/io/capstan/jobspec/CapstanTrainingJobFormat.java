package io.capstan.jobspec;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.Framework;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.Resources;
import io.capstan.api.job.RestartPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * Capstan's own {@code capstan.io/v1 TrainingJob}, read strictly: an unknown field is an error, so
 * a typo does not silently change a job.
 *
 * <p>Defaults: framework {@code generic}, restartPolicy {@code Never}, backoffLimit 3 (Kubeflow's
 * is 6; a local machine should give up sooner), count 1, image {@code host}, no deadline, kept for
 * ever.
 */
final class CapstanTrainingJobFormat implements SpecFormat {
  static final String API_VERSION = "capstan.io/v1";
  static final String KIND = "TrainingJob";
  static final int DEFAULT_BACKOFF_LIMIT = 3;
  static final String DEFAULT_IMAGE = "host";

  private static final List<String> DOCUMENT_FIELDS =
      List.of("apiVersion", "kind", "metadata", "spec");
  private static final List<String> SPEC_FIELDS =
      List.of(
          "framework",
          "restartPolicy",
          "backoffLimit",
          "activeDeadlineSeconds",
          "ttlSecondsAfterFinished",
          "priority",
          "priorityClassName",
          "replicas",
          "registerModel",
          "processesPerNode",
          "datasets");
  private static final List<String> GROUP_FIELDS =
      List.of(
          "role",
          "count",
          "image",
          "command",
          "args",
          "env",
          "envFrom",
          "resources",
          "restartPolicy",
          "workingDir",
          "volumes",
          "volumeMounts");

  private static final List<String> RESOURCE_FIELDS = List.of("cpu", "memory", "gpu");
  private static final Set<Framework> SUPPORTED_FRAMEWORKS =
      EnumSet.of(Framework.PYTORCH, Framework.TENSORFLOW, Framework.GENERIC);

  private final RandomGenerator random;

  CapstanTrainingJobFormat(RandomGenerator random) {
    this.random = requireNonNull(random, "random is null");
  }

  @Override
  public String apiVersion() {
    return API_VERSION;
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public JobSpec parse(Map<String, Object> document) {
    SpecMap root = SpecMap.of(document, FieldPath.ROOT);
    root.rejectUnknownKeys(DOCUMENT_FIELDS);
    JobMetadata metadata = JobMetadata.read(root, true, random);
    SpecMap spec = root.requiredMap("spec");
    spec.rejectUnknownKeys(SPEC_FIELDS);
    RestartPolicy jobRestartPolicy = restartPolicy(spec, RestartPolicy.NEVER);
    List<ReplicaGroupSpec> groups = groups(spec, jobRestartPolicy);
    Long backoffLimit = spec.optionalLong("backoffLimit", 0, Integer.MAX_VALUE);
    Framework framework = framework(spec);
    return JobSpec.builder(metadata.name(), framework, KIND)
        .replicaGroups(groups)
        .backoffLimit(backoffLimit == null ? DEFAULT_BACKOFF_LIMIT : backoffLimit.intValue())
        .activeDeadlineSeconds(spec.optionalLong("activeDeadlineSeconds", 1, Long.MAX_VALUE))
        .ttlSecondsAfterFinished(spec.optionalLong("ttlSecondsAfterFinished", 0, Long.MAX_VALUE))
        .labels(metadata.labels())
        .priority(JobPriority.read(spec))
        .registerModel(DeclaredModelOutput.fromTrainingJob(root, spec))
        .datasets(DeclaredDatasets.fromTrainingJob(root, spec))
        .processesPerNode(processesPerNode(spec, framework))
        .build();
  }

  /** Processes torchrun starts per replica: PyTorch jobs only, whose commands start torchrun. */
  private static int processesPerNode(SpecMap spec, Framework framework) {
    int processes = ProcessesPerNode.read(spec, "processesPerNode");
    if (processes > 1 && framework != Framework.PYTORCH) {
      throw spec.pathOf("processesPerNode")
          .invalid(
              "Expected spec.processesPerNode to be 1 for framework "
                  + framework.wireName()
                  + " (torchrun starts the processes of a pytorch job), but was "
                  + processes);
    }
    return processes;
  }

  private static Framework framework(SpecMap spec) {
    String name = spec.optionalString("framework");
    if (name == null) {
      return Framework.GENERIC;
    }
    Framework framework = Framework.fromWire(name);
    if (framework == null || !SUPPORTED_FRAMEWORKS.contains(framework)) {
      throw spec.pathOf("framework")
          .invalid(
              "Expected spec.framework to be one of "
                  + SUPPORTED_FRAMEWORKS.stream()
                      .map(Framework::wireName)
                      .collect(Collectors.joining(", "))
                  + ", but was '"
                  + name
                  + "'"
                  + (framework == Framework.MPI
                      ? " (submit an MPI job as the MPI Operator's kubeflow.org/v2beta1 MPIJob)"
                      : ""));
    }
    return framework;
  }

  private static List<ReplicaGroupSpec> groups(SpecMap spec, RestartPolicy jobRestartPolicy) {
    if (!spec.has("replicas")) {
      throw spec.pathOf("replicas")
          .invalid("Expected spec.replicas to list at least one replica group, but it is missing");
    }
    List<ReplicaGroupSpec> groups = new ArrayList<>();
    Set<ReplicaRole> roles = EnumSet.noneOf(ReplicaRole.class);
    for (SpecMap group : spec.optionalMapList("replicas")) {
      ReplicaGroupSpec parsed = group(group, jobRestartPolicy);
      if (!roles.add(parsed.role())) {
        throw group
            .pathOf("role")
            .invalid(
                "Expected each role once in spec.replicas, but found '"
                    + parsed.role().wireName()
                    + "' again");
      }
      groups.add(parsed);
    }
    ReplicaLimits.checkJob(groups, spec.pathOf("replicas"));
    return groups;
  }

  private static ReplicaGroupSpec group(SpecMap group, RestartPolicy jobRestartPolicy) {
    group.rejectUnknownKeys(GROUP_FIELDS);
    ReplicaRole role = role(group);
    ReplicaCommand command = ReplicaCommand.read(group);
    String image = group.optionalString("image");
    return new ReplicaGroupSpec(
        role,
        ReplicaLimits.count(group, "count", role),
        image == null ? DEFAULT_IMAGE : image,
        command.command(),
        command.args(),
        EnvVars.read(group, "env"),
        resources(group.optionalMap("resources")),
        restartPolicy(group, jobRestartPolicy),
        PodTemplateDetails.read(null, group, group),
        command.field());
  }

  private static ReplicaRole role(SpecMap group) {
    String name = group.requiredString("role");
    ReplicaRole role = ReplicaRole.fromWire(name);
    if (role == null) {
      throw group
          .pathOf("role")
          .invalid(
              "Expected "
                  + group.pathOf("role")
                  + " to be one of "
                  + Arrays.stream(ReplicaRole.values())
                      .map(ReplicaRole::wireName)
                      .collect(Collectors.joining(", "))
                  + ", but was '"
                  + name
                  + "'");
    }
    return role;
  }

  private static Resources resources(SpecMap resources) {
    if (resources == null) {
      return Resources.NONE;
    }
    resources.rejectUnknownKeys(RESOURCE_FIELDS);
    return new Resources(
        ResourceQuantities.cpuMillis(resources, "cpu"),
        ResourceQuantities.memoryBytes(resources, "memory"),
        ResourceQuantities.gpus(resources, "gpu"));
  }

  private static RestartPolicy restartPolicy(SpecMap map, RestartPolicy defaultPolicy) {
    String name = map.optionalString("restartPolicy");
    if (name == null) {
      return defaultPolicy;
    }
    RestartPolicy policy = RestartPolicy.fromWire(name);
    if (policy == null) {
      throw map.pathOf("restartPolicy")
          .invalid(
              "Expected "
                  + map.pathOf("restartPolicy")
                  + " to be one of Never, OnFailure, ExitCode, but was '"
                  + name
                  + "'");
    }
    return policy;
  }
}
