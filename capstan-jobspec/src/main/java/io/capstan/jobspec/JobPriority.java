package io.capstan.jobspec;

import io.capstan.api.job.PriorityClass;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A job's scheduling priority: Capstan's {@code spec.priority} (a number) or {@code
 * spec.priorityClassName} (a built-in class), Kubeflow's {@code
 * runPolicy.schedulingPolicy.priorityClass} and Kueue's {@code kueue.x-k8s.io/priority-class}
 * label.
 */
final class JobPriority {
  private JobPriority() {}

  /** Capstan format: at most one of the two fields; absent means normal. */
  static Integer read(SpecMap spec) {
    Long number = spec.optionalLong("priority", PriorityClass.MIN, PriorityClass.MAX);
    String className = spec.optionalString("priorityClassName");
    if (number != null && className != null) {
      throw spec.pathOf("priorityClassName")
          .invalid("Expected either spec.priority or spec.priorityClassName, but both were set");
    }
    if (className != null) {
      return known(className, spec, "priorityClassName").value();
    }
    return number == null ? null : number.intValue();
  }

  /**
   * Kubeflow format: a built-in class name maps to its value; any other name is a cluster's own
   * PriorityClass that this installation does not define, and counts as normal (the YAML is
   * accepted unchanged, as on a cluster without that class's admission plugin).
   */
  static Integer readKubeflow(SpecMap spec) {
    SpecMap runPolicy = spec.optionalMap("runPolicy");
    SpecMap scheduling = runPolicy == null ? null : runPolicy.optionalMap("schedulingPolicy");
    return ofClusterClass(scheduling == null ? null : scheduling.optionalString("priorityClass"));
  }

  /**
   * A class named by the cluster's own objects (a PriorityClass, Kueue's WorkloadPriorityClass): a
   * built-in class name maps to its value; null or any other name counts as normal (null).
   */
  static Integer ofClusterClass(String name) {
    PriorityClass priorityClass = name == null ? null : PriorityClass.fromWire(name);
    return priorityClass == null ? null : priorityClass.value();
  }

  private static PriorityClass known(String name, SpecMap spec, String key) {
    PriorityClass priorityClass = PriorityClass.fromWire(name);
    if (priorityClass == null) {
      throw spec.pathOf(key)
          .invalid(
              "Expected spec."
                  + key
                  + " to be one of "
                  + Arrays.stream(PriorityClass.values())
                      .map(PriorityClass::wireName)
                      .collect(Collectors.joining(", "))
                  + ", but was '"
                  + name
                  + "'");
    }
    return priorityClass;
  }
}
