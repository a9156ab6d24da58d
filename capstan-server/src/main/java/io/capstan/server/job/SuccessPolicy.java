package io.capstan.server.job;

import io.capstan.api.job.Framework;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.JobSuccessPolicy;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.ReplicaPhase;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * When a job has succeeded, following Kubeflow: the leader (master, chief or launcher) succeeded;
 * without one, TensorFlow needs worker 0 (or every worker under {@code AllWorkers}), an elastic
 * PyTorchJob any worker (the Training Operator's rule: its nodes finish together, or the rendezvous
 * carried on without the others), and other frameworks need every replica except parameter servers
 * and evaluators, which are then stopped.
 */
final class SuccessPolicy {
  private static final Set<ReplicaRole> LEADERS =
      EnumSet.of(ReplicaRole.MASTER, ReplicaRole.CHIEF, ReplicaRole.LAUNCHER);
  private static final Set<ReplicaRole> SERVICES =
      EnumSet.of(ReplicaRole.PS, ReplicaRole.EVALUATOR);

  private SuccessPolicy() {}

  static boolean succeeded(JobSpec spec, Map<String, ReplicaObservation> observed) {
    String decider = decider(spec);
    if (decider != null) {
      return succeeded(observed, decider);
    }
    if (anyWorker(spec)) {
      return required(spec).stream().anyMatch(replica -> succeeded(observed, replica));
    }
    return required(spec).stream().allMatch(replica -> succeeded(observed, replica));
  }

  /** An elastic PyTorchJob without a master succeeds with its first worker, as in the operator. */
  private static boolean anyWorker(JobSpec spec) {
    return spec.elastic() != null && decider(spec) == null;
  }

  /**
   * The message of a job that {@link #succeeded}: the replicas that decided it, how many others are
   * stopped and how many restarts it took, e.g. "launcher-0 exited 0; the other 3 replicas are
   * stopped".
   */
  static String message(JobSpec spec, Map<String, ReplicaObservation> observed, int restarts) {
    long exited =
        observed.values().stream().filter(o -> o.phase() == ReplicaPhase.SUCCEEDED).count();
    long others = spec.replicaCount() - exited;
    return decidedBy(spec)
        + (others == 0
            ? ""
            : others == 1
                ? "; the other replica is stopped"
                : "; the other " + others + " replicas are stopped")
        + (restarts == 0
            ? ""
            : " (after " + restarts + (restarts == 1 ? " restart)" : " restarts)"));
  }

  /** The one replica whose success is the job's (the leader, or TensorFlow's worker 0), or null. */
  private static String decider(JobSpec spec) {
    for (ReplicaGroupSpec group : spec.replicaGroups()) {
      if (LEADERS.contains(group.role())) {
        return group.replicaName(0);
      }
    }
    boolean allWorkers = spec.successPolicy() == JobSuccessPolicy.ALL_WORKERS;
    if (spec.framework() == Framework.TENSORFLOW && !allWorkers) {
      return ReplicaRole.WORKER.wireName() + "-0";
    }
    return null;
  }

  /** Without a {@link #decider}: every replica but parameter servers and evaluators. */
  private static List<String> required(JobSpec spec) {
    List<String> required = new ArrayList<>();
    for (ReplicaGroupSpec group : spec.replicaGroups()) {
      if (!SERVICES.contains(group.role())) {
        for (int i = 0; i < group.count(); i++) {
          required.add(group.replicaName(i));
        }
      }
    }
    return required;
  }

  private static String decidedBy(JobSpec spec) {
    String decider = decider(spec);
    if (decider != null) {
      return decider + " exited 0";
    }
    int required = required(spec).size();
    if (anyWorker(spec)) {
      return "a worker of the elastic job exited 0";
    }
    if (required == spec.replicaCount()) {
      return required == 1 ? "its replica exited 0" : "all " + required + " replicas exited 0";
    }
    return "all "
        + required
        + (required == 1 ? " replica" : " replicas")
        + " other than parameter servers and evaluators exited 0";
  }

  private static boolean succeeded(Map<String, ReplicaObservation> observed, String replica) {
    ReplicaObservation observation = observed.get(replica);
    return observation != null && observation.phase() == ReplicaPhase.SUCCEEDED;
  }
}
