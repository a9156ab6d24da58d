package io.capstan.cli.job;

import io.capstan.api.error.CapstanException;
import io.capstan.api.job.DatasetMount;
import io.capstan.api.job.PriorityClass;
import io.capstan.cli.CliException;
import io.capstan.cli.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/**
 * The flags of the submit builders that Arena users know, each mapped to the field a job's YAML
 * would set: retries, time to live, running timeout, priority, labels and annotations, the working
 * directory and data volumes. Annotations Capstan does not read are refused by name, never dropped.
 */
final class RunPolicyOptions {
  /** The annotations Capstan reads from a job (see the jobspec module's DeclaredModelOutput). */
  static final Set<String> READ_ANNOTATIONS =
      Set.of("capstan.io/register-model", "capstan.io/model-path", DatasetMount.ANNOTATION);

  @Option(
      names = {"--retry", "--backoff-limit"},
      paramLabel = "N",
      defaultValue = "3",
      description =
          "Restarts allowed before the job fails (default: ${DEFAULT-VALUE}); YAML: backoffLimit.")
  int backoffLimit;

  @Option(
      names = "--ttl-after-finished",
      paramLabel = "DURATION",
      description =
          "Delete the job and its logs this long after it finishes, e.g. 30m or 2d; YAML:"
              + " ttlSecondsAfterFinished.")
  Duration ttlAfterFinished;

  @Option(
      names = "--running-timeout",
      paramLabel = "DURATION",
      description = "Fail the job once it has run this long, e.g. 2h; YAML: activeDeadlineSeconds.")
  Duration runningTimeout;

  @Option(
      names = "--priority",
      paramLabel = "PRIORITY",
      description =
          "low, normal, high, or a number from -1000 to 1000 (higher runs first and may preempt"
              + " lower); YAML: priorityClassName or priority.")
  String priority;

  @Option(
      names = "--label",
      paramLabel = "KEY=VALUE",
      description = "A label of the job; repeatable. YAML: metadata.labels.")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(
      names = "--annotation",
      paramLabel = "KEY=VALUE",
      description =
          "An annotation Capstan reads (capstan.io/register-model, capstan.io/model-path);"
              + " repeatable. YAML: metadata.annotations.")
  Map<String, String> annotations = new LinkedHashMap<>();

  @Option(
      names = "--working-dir",
      paramLabel = "DIR",
      description = "The directory the command starts in, inside the replica; YAML: workingDir.")
  String workingDir;

  @Option(
      names = "--data",
      paramLabel = "NAME:PATH|NAME@VERSION[:PATH]",
      description =
          "Mount the project's volume claim NAME at PATH in every replica (YAML: a"
              + " persistentVolumeClaim volume and a volumeMount), or the dataset version"
              + " [PROJECT/]NAME@VERSION read-only at PATH (default /datasets/NAME; YAML: the"
              + " annotation capstan.io/datasets); repeatable.")
  List<String> data = new ArrayList<>();

  /** Checks every flag; a refusal names the flag and says why. */
  void check() {
    if (workingDir != null && !workingDir.startsWith("/")) {
      throw CliException.usage(
          "Expected --working-dir to be an absolute path inside the replica, but was '"
              + workingDir
              + "'");
    }
    dataMounts();
    datasets();
    for (String key : annotations.keySet()) {
      if (!READ_ANNOTATIONS.contains(key)) {
        throw CliException.usage(
            "--annotation '"
                + key
                + "' is not supported: Capstan keeps no annotations on a job and reads only "
                + READ_ANNOTATIONS.stream().sorted().collect(Collectors.joining(" and "))
                + "; use --label to tag a job");
      }
    }
    for (String key : labels.keySet()) {
      if (key.isEmpty()) {
        throw CliException.usage("Expected --label keys to be non-empty, but found ''");
      }
    }
    if (backoffLimit < 0) {
      throw CliException.usage("Expected --retry to be at least 0, but was " + backoffLimit);
    }
    seconds("--ttl-after-finished", ttlAfterFinished, 0);
    seconds("--running-timeout", runningTimeout, 1);
    if (priority != null && number(priority) == null) {
      priorityClass();
    }
  }

  /** A {@code --data NAME:PATH}: a claim and where it is mounted. */
  record DataMount(String claim, String path) {}

  /** The {@code --data} flags, checked: a DNS-1123 claim name and an absolute path, once each. */
  List<DataMount> dataMounts() {
    List<DataMount> mounts = new ArrayList<>();
    Set<String> paths = new java.util.HashSet<>();
    for (String value : data) {
      if (isDataset(value)) {
        continue;
      }
      int colon = value.indexOf(':');
      String claim = colon < 0 ? "" : value.substring(0, colon);
      String path = colon < 0 ? "" : value.substring(colon + 1);
      if (!claim.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || claim.length() > 63) {
        throw CliException.usage(
            "Expected --data as NAME:PATH with NAME a volume claim's name (lowercase letters,"
                + " digits and '-'), but was '"
                + value
                + "'");
      }
      if (!path.startsWith("/")) {
        throw CliException.usage(
            "Expected the PATH of --data "
                + value
                + " to be an absolute path, but was '"
                + path
                + "'");
      }
      if (!paths.add(path)) {
        throw CliException.usage("Expected each --data PATH once, but " + path + " is given twice");
      }
      mounts.add(new DataMount(claim, path));
    }
    return mounts;
  }

  /**
   * Puts {@code workingDir} and {@code volumeMounts} into {@code container}, and the claims' {@code
   * volumes} into {@code podSpec}, in Kubernetes' shape: a Kubeflow container and its pod spec, or
   * one Capstan replica group as both. A volume is named after its claim.
   */
  void putWorkingDirAndData(Map<String, Object> container, Map<String, Object> podSpec) {
    if (workingDir != null) {
      container.put("workingDir", workingDir);
    }
    List<DataMount> mounts = dataMounts();
    if (mounts.isEmpty()) {
      return;
    }
    Map<String, Object> volumes = new LinkedHashMap<>();
    List<Map<String, Object>> volumeMounts = new ArrayList<>();
    for (DataMount mount : mounts) {
      Map<String, Object> volume = new LinkedHashMap<>();
      volume.put("name", mount.claim());
      volume.put("persistentVolumeClaim", Map.of("claimName", mount.claim()));
      volumes.putIfAbsent(mount.claim(), volume);
      Map<String, Object> volumeMount = new LinkedHashMap<>();
      volumeMount.put("name", mount.claim());
      volumeMount.put("mountPath", mount.path());
      volumeMounts.add(volumeMount);
    }
    container.put("volumeMounts", volumeMounts);
    podSpec.put("volumes", new ArrayList<>(volumes.values()));
  }

  /** A {@code --data} value that names a dataset version: it has {@code @} before any colon. */
  private static boolean isDataset(String value) {
    int at = value.indexOf('@');
    int colon = value.indexOf(':');
    return at >= 0 && (colon < 0 || at < colon);
  }

  /** The {@code --data} flags that name datasets, checked, as the annotation writes them. */
  List<String> datasets() {
    List<DatasetMount> mounts = new ArrayList<>();
    List<String> references = new ArrayList<>();
    for (String value : data) {
      if (isDataset(value)) {
        try {
          mounts.add(DatasetMount.parse(value, "--data"));
        } catch (CapstanException e) {
          throw CliException.usage(e.getMessage());
        }
        references.add(value.trim());
      }
    }
    try {
      DatasetMount.checkPaths(mounts, "--data");
    } catch (CapstanException e) {
      throw CliException.usage(e.getMessage());
    }
    return references;
  }

  /**
   * Puts {@code labels} and {@code annotations} into {@code metadata}, when given; the datasets of
   * {@code --data} join the annotation {@value DatasetMount#ANNOTATION}.
   */
  void putMetadata(Map<String, Object> metadata) {
    if (!labels.isEmpty()) {
      metadata.put("labels", new LinkedHashMap<>(labels));
    }
    Map<String, String> all = new LinkedHashMap<>(annotations);
    List<String> datasets = new ArrayList<>(datasets());
    if (!datasets.isEmpty()) {
      String given = all.get(DatasetMount.ANNOTATION);
      if (given != null && !given.isBlank()) {
        datasets.add(0, given);
      }
      all.put(DatasetMount.ANNOTATION, String.join(",", datasets));
    }
    if (!all.isEmpty()) {
      metadata.put("annotations", all);
    }
  }

  /**
   * Puts backoffLimit, activeDeadlineSeconds and ttlSecondsAfterFinished into {@code policy}: the
   * spec of a Capstan TrainingJob or the runPolicy of a Kubeflow job, which name them alike.
   */
  void putRunPolicy(Map<String, Object> policy) {
    policy.put("backoffLimit", backoffLimit);
    Long deadline = seconds("--running-timeout", runningTimeout, 1);
    if (deadline != null) {
      policy.put("activeDeadlineSeconds", deadline);
    }
    Long ttl = seconds("--ttl-after-finished", ttlAfterFinished, 0);
    if (ttl != null) {
      policy.put("ttlSecondsAfterFinished", ttl);
    }
  }

  /** Puts the priority into a Capstan TrainingJob's spec: a number or a class name. */
  void putTrainingJobPriority(Map<String, Object> spec) {
    if (priority == null) {
      return;
    }
    Integer number = number(priority);
    if (number != null) {
      spec.put("priority", number);
    } else {
      spec.put("priorityClassName", priorityClass().wireName());
    }
  }

  /**
   * Puts the priority into a Kubeflow runPolicy, as {@code schedulingPolicy.priorityClass}: such a
   * job names a class, so a number is refused.
   */
  void putKubeflowPriority(Map<String, Object> runPolicy, String kind) {
    if (priority == null) {
      return;
    }
    if (number(priority) != null) {
      throw CliException.usage(
          "Expected --priority of "
              + kind
              + " to be one of "
              + classNames()
              + " (its YAML names a class in runPolicy.schedulingPolicy.priorityClass), but was '"
              + priority
              + "'");
    }
    runPolicy.put("schedulingPolicy", Map.of("priorityClass", priorityClass().wireName()));
  }

  private PriorityClass priorityClass() {
    PriorityClass priorityClass = PriorityClass.fromWire(priority);
    if (priorityClass == null) {
      throw CliException.usage(
          "Expected --priority to be one of "
              + classNames()
              + " or a number from "
              + PriorityClass.MIN
              + " to "
              + PriorityClass.MAX
              + ", but was '"
              + priority
              + "'");
    }
    return priorityClass;
  }

  private static String classNames() {
    return Arrays.stream(PriorityClass.values())
        .map(PriorityClass::wireName)
        .collect(Collectors.joining(", "));
  }

  /** The priority as a number in range, or null when it is not a number. */
  private static Integer number(String text) {
    if (!text.matches("[-+]?\\d{1,9}")) {
      return null;
    }
    int value = Integer.parseInt(text);
    if (value < PriorityClass.MIN || value > PriorityClass.MAX) {
      throw CliException.usage(
          "Expected --priority to be from "
              + PriorityClass.MIN
              + " to "
              + PriorityClass.MAX
              + ", but was "
              + value);
    }
    return value;
  }

  /** Whole seconds of {@code duration}, at least {@code min}; null when it is null. */
  private static Long seconds(String flag, Duration duration, long min) {
    if (duration == null) {
      return null;
    }
    if (duration.getNano() != 0) {
      throw CliException.usage(
          "Expected "
              + flag
              + " in whole seconds (its YAML field counts seconds), but was "
              + Durations.format(duration));
    }
    if (duration.getSeconds() < min) {
      throw CliException.usage(
          "Expected "
              + flag
              + " to be at least "
              + min
              + "s, but was "
              + Durations.format(duration));
    }
    return duration.getSeconds();
  }
}
