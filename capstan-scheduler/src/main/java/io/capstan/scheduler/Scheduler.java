package io.capstan.scheduler;

import static java.util.Objects.requireNonNull;

import io.capstan.scheduler.cluster.NodeSpec;
import io.capstan.scheduler.growth.UnplaceableDemand;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Admits whole gangs under queue quotas with fair sharing, backfill behind a reserved head, and
 * graceful preemption; the same code runs in the server and in the trace simulator.
 */
public final class Scheduler {
  private final SchedulerConfig config;
  private final NeverFits neverFits;
  private final PreemptionPlanner planner;

  public Scheduler(SchedulerConfig config) {
    this.config = requireNonNull(config, "config is null");
    this.neverFits = new NeverFits(config.placer());
    this.planner = new PreemptionPlanner(config.placer());
  }

  /**
   * One cycle over an immutable snapshot: returns admissions, preemptions and a reason for every
   * pending workload not admitted. Deterministic.
   */
  public CycleResult runOnce(SchedulerState state, Instant now) {
    requireNonNull(state, "state is null");
    requireNonNull(now, "now is null");
    return new Cycle(config, neverFits, planner, state, now).run();
  }

  /**
   * The gangs a cycle found that more nodes would start ({@link CycleResult#unplaceable}), counted
   * by the shapes of {@code nodes} that hold them whole, with this scheduler's placer.
   */
  public List<UnplaceableDemand.Want> unplaceableDemand(
      List<Workload> unplaceable, List<NodeSpec> nodes) {
    return UnplaceableDemand.of(unplaceable, nodes, config.placer());
  }

  /**
   * At submission: a plain-words reason when the workload can never run (a pod larger than every
   * node; total larger than the cluster; larger than its queue's nominal+borrowingLimit, i.e.
   * ceiling; unknown queue); empty when it may run some day.
   */
  public Optional<String> neverFits(
      Workload workload, List<NodeSpec> nodes, Map<String, QueueSpec> queues) {
    requireNonNull(workload, "workload is null");
    requireNonNull(nodes, "nodes is null");
    requireNonNull(queues, "queues is null");
    return neverFits.check(workload, nodes, queues);
  }

  /**
   * As {@link #neverFits(Workload, List, Map)} for a cluster that is asked to grow when nothing
   * holds a gang (a cluster-autoscaler): only its queue can say never (unknown, or a ceiling or
   * cohort smaller than the gang); the nodes of today cannot.
   */
  public Optional<String> neverFitsGrowing(
      Workload workload, List<NodeSpec> nodes, Map<String, QueueSpec> queues) {
    requireNonNull(workload, "workload is null");
    requireNonNull(nodes, "nodes is null");
    requireNonNull(queues, "queues is null");
    return neverFits.checkQueue(workload, nodes, queues);
  }
}
