package io.capstan.server.serving;

import io.capstan.api.job.Framework;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.PriorityClass;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.Resources;
import io.capstan.api.job.RestartPolicy;
import io.capstan.api.serving.BatchingSpec;
import io.capstan.server.job.JobRecord;
import io.capstan.server.job.Workload;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A serving replica is a one-replica workload of kind {@link ServingReplicaKind} running {@code
 * capstan model-server}, owned by its service: the scheduler admits it against the project's quota,
 * the workload controller starts and restarts it, and its logs are kept like any job's. This class
 * builds those workloads and reads them back.
 */
final class ReplicaJobs {
  /** The image of the model server; on one machine it maps {@link #JAR_DIR} to the built jar. */
  static final String IMAGE = "capstan/model-server:latest";

  /** Where the model server's jar lies in its image. */
  static final String JAR_DIR = "/opt/capstan";

  /** The one replica of a serving job. */
  static final String REPLICA = "worker-0";

  /** Source kind of serving jobs, shown by {@code capstan list}. */
  static final String KIND = "InferenceService";

  private static final long TTL_AFTER_FINISHED_SECONDS = 600;

  private final String java;

  /**
   * @param java the java command replicas run (the control plane's own one on one machine)
   */
  ReplicaJobs(String java) {
    this.java = java;
  }

  /** A new replica job of {@code service} serving {@code model}. */
  JobSpec spec(ServiceRecord service, ServedModel model) {
    String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(3);
    String name = service.name() + "-v" + model.version() + "-" + suffix;
    Resources resources = ServiceSpecs.replicaResources(service.spec().resources());
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xmx" + heapMegabytes(resources.memoryBytes()) + "m");
    command.add("-XX:+UseSerialGC");
    command.add("-jar");
    command.add(JAR_DIR + "/capstan-model-server.jar");
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--model", model.pinned() + "=" + ServingReplicaKind.MODEL_PATH));
    args.addAll(
        List.of(
            "--http-port",
            "$(" + ServingReplicaKind.HTTP.envName() + ")",
            "--grpc-port",
            "$(" + ServingReplicaKind.GRPC.envName() + ")"));
    args.addAll(List.of("--drain-timeout", "10"));
    long cores = Math.max(1, resources.cpuMillis() / 1000);
    args.addAll(List.of("--intra-op-threads", Long.toString(cores)));
    BatchingSpec batching = service.spec().batching();
    if (batching != null && batching.maxBatchSize() != null) {
      args.addAll(List.of("--max-batch-size", batching.maxBatchSize().toString()));
    }
    if (batching != null && batching.maxQueueDelayMicros() != null) {
      args.addAll(List.of("--max-queue-delay-us", batching.maxQueueDelayMicros().toString()));
    }
    ReplicaGroupSpec group =
        new ReplicaGroupSpec(
            ReplicaRole.WORKER,
            1,
            IMAGE,
            command,
            args,
            Map.of(),
            resources,
            RestartPolicy.ON_FAILURE);
    return JobSpec.builder(name, Framework.GENERIC, KIND)
        .replicaGroups(List.of(group))
        .ttlSecondsAfterFinished(TTL_AFTER_FINISHED_SECONDS)
        .priority(PriorityClass.HIGH.value())
        .build();
  }

  /** The workload of a replica of {@code service} serving {@code model}: its kind and owner. */
  static Workload workload(ServiceRecord service, ServedModel model) {
    return new Workload(
        ServingReplicaKind.NAME,
        service.uid(),
        new ServingReplica(model.name(), model.version(), model.artifactKey()).toJson());
  }

  /**
   * The replica jobs among {@code jobs} whose service is not among {@code services}: deleted, or
   * deleted while the control plane was down or a pass was starting one more replica.
   */
  static List<JobRecord> orphans(List<JobRecord> replicas, Set<String> services) {
    return replicas.stream().filter(job -> !services.contains(job.owner())).toList();
  }

  /** The model version a replica serves. */
  static int version(JobRecord job) {
    return ServingReplica.of(job).modelVersion();
  }

  /** A quarter of the replica's memory for the heap; the rest is ONNX Runtime's (off-heap). */
  private static long heapMegabytes(long memoryBytes) {
    return Math.max(128, Math.min(2048, memoryBytes / 4 / (1 << 20)));
  }
}
