package io.capstan.jobspec;

import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.RestartPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One pod template of a job ({@code {metadata, spec}}: a Kubeflow replica spec's {@code template},
 * a batch Job's {@code spec.template}) read as a replica group, and the fields of it that Capstan
 * accepts but does not act on.
 *
 * <p>The template is read for one container, the one named {@code containerName} (else the first):
 * image, command, args, env and resources (by {@link ContainerResources}), and by {@link
 * PodTemplateDetails} its volumes and their mounts, working directory, {@code valueFrom} and {@code
 * envFrom}, labels and annotations. An absent image is {@code host}. Every other Kubernetes field
 * is accepted, so a job is submitted as it is applied to a cluster, and those that change what
 * would run (node selectors, a security context, a second container...) are listed by {@link
 * #ignored}, so the job's status warns that Capstan does not act on them.
 */
final class ReplicaTemplate {
  /** Pod spec fields with no effect on one machine, or the ones Capstan reads. */
  private static final Set<String> POD_FIELDS_READ_OR_MOOT =
      Set.of(
          "containers",
          "volumes",
          "restartPolicy",
          "imagePullSecrets",
          "schedulerName",
          "dnsPolicy",
          "enableServiceLinks",
          "terminationGracePeriodSeconds");

  /** Container fields Capstan reads, or that have no effect on one machine. */
  private static final Set<String> CONTAINER_FIELDS_READ_OR_MOOT =
      Set.of(
          "name",
          "image",
          "command",
          "args",
          "env",
          "envFrom",
          "volumeMounts",
          "workingDir",
          "resources",
          "ports",
          "imagePullPolicy",
          "terminationMessagePath",
          "terminationMessagePolicy");

  private ReplicaTemplate() {}

  /**
   * The replica group of {@code template}.
   *
   * @param containerName the container to run when the pod has several, or null for the first
   * @param defaultCommand the command of a container with neither command nor args, or empty
   */
  static ReplicaGroupSpec group(
      SpecMap template,
      String containerName,
      ReplicaRole role,
      int count,
      RestartPolicy restartPolicy,
      List<String> defaultCommand) {
    SpecMap podSpec = template.requiredMap("spec");
    SpecMap container = container(podSpec, containerName);
    ReplicaCommand command = ReplicaCommand.read(container, defaultCommand);
    String image = container.optionalString("image");
    return new ReplicaGroupSpec(
        role,
        count,
        image == null ? CapstanTrainingJobFormat.DEFAULT_IMAGE : image,
        command.command(),
        command.args(),
        EnvVars.read(container, "env"),
        ContainerResources.read(container.optionalMap("resources")),
        restartPolicy,
        PodTemplateDetails.read(template.optionalMap("metadata"), podSpec, container),
        command.field());
  }

  /**
   * The fields of {@code template}'s pod spec and of its running container that Capstan accepts but
   * does not act on, by their path in the document (a second container's path says that it does not
   * run); none when the template has no spec.
   *
   * @param alsoRead pod spec fields the caller reads itself (a batch Job's {@code
   *     priorityClassName})
   */
  static List<String> ignored(SpecMap template, String containerName, Set<String> alsoRead) {
    SpecMap podSpec = template == null ? null : template.optionalMap("spec");
    if (podSpec == null) {
      return List.of();
    }
    List<String> ignored = new ArrayList<>();
    for (String podField : podSpec.values().keySet()) {
      if (!POD_FIELDS_READ_OR_MOOT.contains(podField) && !alsoRead.contains(podField)) {
        ignored.add(podSpec.pathOf(podField).text());
      }
    }
    SpecMap run = container(podSpec, containerName);
    for (SpecMap container : podSpec.optionalMapList("containers")) {
      if (!container.path().equals(run.path())) {
        ignored.add(container.path().text() + " (only one container of a replica runs)");
        continue;
      }
      for (String containerField : container.values().keySet()) {
        if (!CONTAINER_FIELDS_READ_OR_MOOT.contains(containerField)) {
          ignored.add(container.pathOf(containerField).text());
        }
      }
    }
    return ignored;
  }

  /** The container named {@code containerName} of {@code podSpec}, else its first. */
  static SpecMap container(SpecMap podSpec, String containerName) {
    List<SpecMap> containers = podSpec.optionalMapList("containers");
    if (containers.isEmpty()) {
      throw podSpec
          .pathOf("containers")
          .invalid(
              "Expected "
                  + podSpec.pathOf("containers")
                  + " to list at least one container, but found none");
    }
    for (SpecMap container : containers) {
      if (containerName != null && containerName.equals(container.optionalString("name"))) {
        return container;
      }
    }
    return containers.get(0);
  }
}
