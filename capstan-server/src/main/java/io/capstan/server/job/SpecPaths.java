package io.capstan.server.job;

import io.capstan.api.job.JobSpec;
import io.capstan.api.job.ReplicaGroupSpec;

/**
 * Where a replica group's pod template was in the document the job was submitted as, so an error
 * found after parsing (a host path the operator does not allow, a missing secret) names the field
 * as the user wrote it: {@code spec.pytorchReplicaSpecs.Worker.template.spec}.
 */
final class SpecPaths {
  private SpecPaths() {}

  /** The path of the pod spec of {@code group} in a document of {@code spec}'s kind. */
  static String podSpec(JobSpec spec, ReplicaGroupSpec group) {
    String type = group.role().replicaType();
    return switch (spec.sourceKind()) {
      case "PyTorchJob" -> "spec.pytorchReplicaSpecs." + type + ".template.spec";
      case "TFJob" -> "spec.tfReplicaSpecs." + type + ".template.spec";
      case "MPIJob" -> "spec.mpiReplicaSpecs." + type + ".template.spec";
      case "TrainJob" -> "spec.trainer";
      case BatchJobView.KIND -> "spec.template.spec";
      default -> "spec.replicas[" + spec.replicaGroups().indexOf(group) + "]";
    };
  }

  /** The path of the running container of {@code group} (the pod spec itself where it is one). */
  static String container(JobSpec spec, ReplicaGroupSpec group) {
    String pod = podSpec(spec, group);
    return pod.endsWith(".template.spec") ? pod + ".containers[" + containerName(spec) + "]" : pod;
  }

  private static String containerName(JobSpec spec) {
    return switch (spec.sourceKind()) {
      case "PyTorchJob" -> "pytorch";
      case "TFJob" -> "tensorflow";
      default -> "0";
    };
  }
}
