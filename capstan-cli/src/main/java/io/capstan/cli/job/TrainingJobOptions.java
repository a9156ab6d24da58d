package io.capstan.cli.job;

import io.capstan.api.job.Quantities;
import io.capstan.api.job.RestartPolicy;
import io.capstan.cli.CliException;
import io.capstan.cli.ExitCodes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The flags of {@code submit pytorchjob|tfjob|mpijob|job} (with {@link RunPolicyOptions}), the
 * Capstan {@code TrainingJob} document they describe and the containers of a Kubeflow one.
 * Resources are per replica.
 */
final class TrainingJobOptions {
  /** The shell that runs a one-string command, found on the replica's PATH as Arena's is. */
  static final String SHELL = "sh";

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "Job name; without it the server generates one.")
  String name;

  @Option(
      names = "--workers",
      paramLabel = "N",
      defaultValue = "1",
      description = "Worker replicas (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--gpus",
      paramLabel = "G",
      defaultValue = "0",
      description = "GPUs per worker (default: ${DEFAULT-VALUE}).")
  int gpus;

  @Option(
      names = "--cpu",
      paramLabel = "C",
      defaultValue = "1",
      description = "CPU per replica, e.g. 2 or 500m (default: ${DEFAULT-VALUE}).")
  String cpu;

  @Option(
      names = "--memory",
      paramLabel = "M",
      defaultValue = "1Gi",
      description = "Memory per replica, e.g. 4Gi (default: ${DEFAULT-VALUE}).")
  String memory;

  @Option(
      names = "--image",
      paramLabel = "IMAGE",
      description = "Container image; locally an environment (server default: host).")
  String image;

  @Option(
      names = {"-e", "--env"},
      paramLabel = "KEY=VALUE",
      description = "Environment variable of every replica; repeatable.")
  Map<String, String> env = new LinkedHashMap<>();

  @Option(
      names = "--restart-policy",
      paramLabel = "POLICY",
      defaultValue = "OnFailure",
      description = "Never, OnFailure or ExitCode (default: ${DEFAULT-VALUE}).")
  RestartPolicy restartPolicy;

  @Mixin RunPolicyOptions policy;

  @Option(
      names = "--dry-run",
      description = "Print the job's YAML instead of submitting it (save it for 'submit -f').")
  boolean dryRun;

  @Parameters(
      arity = "1..*",
      paramLabel = "CMD",
      description =
          "The command every replica runs. One quoted string is a shell command line, run as"
              + " 'sh -c STRING' as Arena runs it (pipes, &&, $VARS work); several words, best"
              + " after '--', run as they are, with no shell.")
  List<String> command = new ArrayList<>();

  /**
   * The document: {@code apiVersion}, {@code kind}, {@code metadata} (name, or generateName with
   * {@code generatePrefix}) and {@code spec}.
   */
  Map<String, Object> document(
      String framework, String generatePrefix, List<Map<String, Object>> groups) {
    return document(framework, generatePrefix, groups, Map.of());
  }

  /** The document with {@code extraSpec} (fields of one framework) at the end of its spec. */
  Map<String, Object> document(
      String framework,
      String generatePrefix,
      List<Map<String, Object>> groups,
      Map<String, Object> extraSpec) {
    check();
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("framework", framework);
    spec.put("restartPolicy", restartPolicy.wireName());
    policy.putRunPolicy(spec);
    policy.putTrainingJobPriority(spec);
    spec.put("replicas", groups);
    spec.putAll(extraSpec);
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("apiVersion", "capstan.io/v1");
    document.put("kind", "TrainingJob");
    document.put("metadata", metadata(generatePrefix));
    document.put("spec", spec);
    return document;
  }

  /** {@code metadata}: the name, or generateName with {@code generatePrefix}. */
  Map<String, Object> metadata(String generatePrefix) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    if (name != null) {
      metadata.put("name", name);
    } else {
      metadata.put("generateName", generatePrefix);
    }
    policy.putMetadata(metadata);
    return metadata;
  }

  /**
   * A Kubernetes container as a Kubeflow pod template has it: this image, env (a list of name and
   * value) and CPU and memory limits with {@code gpus} GPUs; {@code command} when not null.
   */
  Map<String, Object> container(String containerName, List<String> command, int gpus) {
    Map<String, Object> container = new LinkedHashMap<>();
    container.put("name", containerName);
    if (image != null) {
      container.put("image", image);
    }
    if (command != null) {
      container.put("command", List.copyOf(command));
    }
    if (!env.isEmpty()) {
      container.put(
          "env", env.entrySet().stream().map(e -> nameAndValue(e.getKey(), e.getValue())).toList());
    }
    Map<String, Object> limits = new LinkedHashMap<>();
    limits.put("cpu", cpu);
    limits.put("memory", memory);
    if (gpus > 0) {
      limits.put("nvidia.com/gpu", gpus);
    }
    container.put("resources", Map.of("limits", limits));
    return container;
  }

  private static Map<String, Object> nameAndValue(String name, String value) {
    Map<String, Object> variable = new LinkedHashMap<>();
    variable.put("name", name);
    variable.put("value", value);
    return variable;
  }

  /**
   * The command every replica runs: a single argument is a shell command line, run as {@code sh -c
   * ARG} (Arena's rule: it wraps its one command string the same way); several arguments are the
   * program and its arguments, run without a shell.
   */
  List<String> command() {
    if (command.size() != 1) {
      return List.copyOf(command);
    }
    String line = command.get(0);
    if (line.isBlank()) {
      throw CliException.usage(
          "Expected CMD to be a command line, but it is " + (line.isEmpty() ? "empty" : "blank"));
    }
    return List.of(SHELL, "-c", line);
  }

  /** The worker group: {@code --workers} replicas with {@code --gpus} GPUs each. */
  Map<String, Object> workerGroup() {
    return group("worker", workers, gpus);
  }

  /** A replica group of {@code role} with this command, image, env, CPU and memory. */
  Map<String, Object> group(String role, int count, int groupGpus) {
    Map<String, Object> resources = new LinkedHashMap<>();
    resources.put("cpu", cpu);
    resources.put("memory", memory);
    resources.put("gpu", groupGpus);
    Map<String, Object> group = new LinkedHashMap<>();
    group.put("role", role);
    group.put("count", count);
    if (image != null) {
      group.put("image", image);
    }
    group.put("command", command());
    if (!env.isEmpty()) {
      group.put("env", new LinkedHashMap<>(env));
    }
    group.put("resources", resources);
    // Capstan's group is its own pod template: workingDir, volumes and mounts sit in it.
    policy.putWorkingDirAndData(group, group);
    return group;
  }

  /** Checks the flags every builder shares; a usage error names the first bad one. */
  void check() {
    if (workers < 1) {
      throw CliException.usage("Expected --workers to be at least 1, but was " + workers);
    }
    if (gpus < 0) {
      throw CliException.usage("Expected --gpus to be at least 0, but was " + gpus);
    }
    policy.check();
    try {
      Quantities.parseCpu(cpu);
      Quantities.parseMemory(memory);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
    }
  }
}
