package io.capstan.scheduler;

import static io.capstan.scheduler.TestingWorkloads.GI;
import static io.capstan.scheduler.TestingWorkloads.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.scheduler.cluster.NodeSpec;
import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.cluster.ResourceAmounts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Randomized properties over seeded clusters, queues and workloads: capacity, quota, gangs,
 * preemption rules, determinism and eventual completion.
 */
class SchedulerInvariantsTest {
  private static final int SEEDS = 300;
  private static final int ARRIVAL_CYCLES = 15;
  private static final int MAX_CYCLES = 1_000;
  private static final Duration STEP = Duration.ofMinutes(1);

  @Test
  void invariantsHoldAndEveryWorkloadFinishes() {
    Map<String, Integer> seen = new HashMap<>();
    for (long seed = 0; seed < SEEDS; seed++) {
      Run run = new Run(seed, true).simulate();
      assertThat(run.unfinished()).as("unfinished workloads of seed %d", seed).isEmpty();
      run.count(seen);
    }
    // The random cases must reach every decision, or the properties above prove little.
    assertThat(seen)
        .containsOnlyKeys(
            "admitted",
            "borrowing",
            "priority",
            "reclaim",
            "demotion",
            "stopping",
            "behind",
            "quota",
            "resources");
  }

  @Test
  void invariantsHoldWithoutBackfillAndWithFewPreemptions() {
    for (long seed = 1_000; seed < 1_000 + SEEDS; seed++) {
      Run run = new Run(seed, false).simulate();
      assertThat(run.unfinished()).as("unfinished workloads of seed %d", seed).isEmpty();
    }
  }

  @Test
  void sameSeedGivesIdenticalDecisions() {
    for (long seed = 0; seed < SEEDS; seed += 3) {
      assertThat(new Run(seed, true).simulate().results)
          .as("decisions of seed %d", seed)
          .isEqualTo(new Run(seed, true).simulate().results);
    }
  }

  /** One seeded simulation: a fake driver around the scheduler, checking after every cycle. */
  private static final class Run {
    private final long seed;
    private final Random random;
    private final Scheduler scheduler;
    private final int maxPreemptions;
    private final TestingCluster cluster;
    private final Map<String, Long> neededSeconds = new HashMap<>();
    private final Map<String, Long> servedSeconds = new HashMap<>();
    private final Set<String> submitted = new HashSet<>();
    private final Set<String> finished = new HashSet<>();
    final List<CycleResult> results = new ArrayList<>();
    private int nextId;

    Run(long seed, boolean backfill) {
      this.seed = seed;
      this.random = new Random(seed);
      this.maxPreemptions = backfill ? 16 : 1 + random.nextInt(2);
      this.scheduler =
          new Scheduler(
              new SchedulerConfig(
                  new TestingFirstFitPlacer(), Duration.ofMinutes(20), backfill, maxPreemptions));
      this.cluster = new TestingCluster(randomNodes(), List.of());
      randomQueues().forEach(queue -> cluster.queuesForTest().put(queue.name(), queue));
    }

    void count(Map<String, Integer> seen) {
      for (CycleResult result : results) {
        result
            .admitted()
            .forEach(a -> seen.merge(a.borrowing() ? "borrowing" : "admitted", 1, Integer::sum));
        for (Preemption preemption : result.preemptions()) {
          seen.merge(
              preemption.reason().startsWith("reclaimed")
                  ? "reclaim"
                  : preemption.reason().startsWith("yielded") ? "demotion" : "priority",
              1,
              Integer::sum);
        }
        for (String reason : result.pendingReasons().values()) {
          String kind =
              reason.contains("preempted job")
                  ? "stopping"
                  : reason.startsWith("waiting behind")
                      ? "behind"
                      : reason.startsWith("waiting for resources") ? "resources" : "quota";
          seen.merge(kind, 1, Integer::sum);
        }
      }
    }

    Set<String> unfinished() {
      Set<String> rest = new HashSet<>(submitted);
      rest.removeAll(finished);
      return rest;
    }

    Run simulate() {
      Instant now = T0;
      for (int cycle = 0; cycle < MAX_CYCLES; cycle++) {
        now = now.plus(STEP);
        progress(now);
        if (cycle < ARRIVAL_CYCLES) {
          arrive(now);
        } else if (cluster.pending().isEmpty() && cluster.running().isEmpty()) {
          break;
        }
        SchedulerState state = cluster.state();
        CycleResult result = scheduler.runOnce(state, now);
        results.add(result);
        check(state, result, now);
        cluster.apply(result, now);
      }
      return this;
    }

    /** Terminating workloads stop and requeue; running ones that got their service finish. */
    private void progress(Instant now) {
      for (RunningWorkload stopped : cluster.stopTerminating(now)) {
        serve(stopped, now);
      }
      for (RunningWorkload running : List.copyOf(cluster.running().values())) {
        String id = running.workload().id();
        long served =
            servedSeconds.getOrDefault(id, 0L)
                + Duration.between(running.startedAt(), now).toSeconds();
        if (!running.terminating() && served >= neededSeconds.get(id)) {
          cluster.finish(id);
          finished.add(id);
        }
      }
    }

    private void serve(RunningWorkload stopped, Instant now) {
      servedSeconds.merge(
          stopped.workload().id(),
          Duration.between(stopped.startedAt(), now).toSeconds(),
          Long::sum);
    }

    private void arrive(Instant now) {
      int arrivals = random.nextInt(4);
      List<String> queues = new ArrayList<>(cluster.queues().keySet());
      queues.sort(null);
      for (int i = 0; i < arrivals; i++) {
        Workload workload = randomWorkload("w" + nextId++, queues, now);
        if (scheduler.neverFits(workload, cluster.nodes(), cluster.queues()).isPresent()) {
          continue;
        }
        submitted.add(workload.id());
        // Mostly short, some long enough to reach a higher least-attained-service level.
        int steps = random.nextInt(5) == 0 ? 10 + random.nextInt(50) : 1 + random.nextInt(8);
        neededSeconds.put(workload.id(), STEP.toSeconds() * steps);
        cluster.submit(workload);
      }
    }

    private void check(SchedulerState state, CycleResult result, Instant now) {
      Map<String, PendingWorkload> pending = new HashMap<>();
      state.pending().forEach(p -> pending.put(p.workload().id(), p));
      Map<String, RunningWorkload> running = new HashMap<>();
      state.running().forEach(r -> running.put(r.workload().id(), r));
      Map<String, NodeState> nodes = new HashMap<>();
      state.nodes().forEach(n -> nodes.put(n.name(), n));
      Map<String, ResourceAmounts> usage = usage(state.running());
      Set<String> admitted = new HashSet<>();
      for (Admission admission : result.admitted()) {
        PendingWorkload workload = pending.get(admission.workloadId());
        assertThat(workload).as("seed %d admits a pending workload", seed).isNotNull();
        assertThat(admitted.add(admission.workloadId())).isTrue();
        List<PodDemand> pods = workload.workload().pods();
        assertThat(admission.allocations()).as("seed %d: whole gang", seed).hasSize(pods.size());
        for (int i = 0; i < pods.size(); i++) {
          PodAllocation allocation = admission.allocations().get(i);
          assertThat(allocation.demand()).isEqualTo(pods.get(i));
          nodes.put(allocation.node(), nodes.get(allocation.node()).allocate(allocation));
        }
        usage.merge(workload.workload().queue(), workload.workload().total(), ResourceAmounts::add);
      }
      nodes.values().forEach(this::checkCapacity);
      checkQuota(usage);
      checkPreemptions(result, pending, running, usage, now);
      Set<String> explained = new HashSet<>(result.pendingReasons().keySet());
      explained.addAll(admitted);
      assertThat(explained)
          .as("seed %d: a reason for every pending", seed)
          .isEqualTo(pending.keySet());
    }

    private void checkCapacity(NodeState node) {
      assertThat(node.used().fitsIn(node.spec().capacity())).as("seed %d: %s", seed, node).isTrue();
      for (int gpu = 0; gpu < node.gpuCount(); gpu++) {
        assertThat(node.gpuUsedMilli(gpu)).isBetween(0, PodDemand.WHOLE_GPU);
      }
    }

    private void checkQuota(Map<String, ResourceAmounts> usage) {
      usage.forEach(
          (queue, used) ->
              assertThat(governed(used).fitsIn(cluster.queues().get(queue).ceiling()))
                  .as("seed %d: queue %s uses %s, within its ceiling", seed, queue, used)
                  .isTrue());
    }

    private void checkPreemptions(
        CycleResult result,
        Map<String, PendingWorkload> pending,
        Map<String, RunningWorkload> running,
        Map<String, ResourceAmounts> usageWithAdmissions,
        Instant now) {
      Map<String, ResourceAmounts> claimed = new HashMap<>();
      result
          .pendingReasons()
          .forEach(
              (id, reason) -> {
                if (reason.contains("preempted job")) {
                  Workload claimant = pending.get(id).workload();
                  claimed.merge(claimant.queue(), claimant.total(), ResourceAmounts::add);
                }
              });
      Map<String, ResourceAmounts> preemptedUsage = new HashMap<>();
      for (Preemption preemption : result.preemptions()) {
        Workload victim = running.get(preemption.victimId()).workload();
        preemptedUsage.merge(victim.queue(), victim.total(), ResourceAmounts::add);
      }
      Map<String, ResourceAmounts> settled =
          usage(running.values().stream().filter(r -> !r.terminating()).toList());
      assertThat(result.preemptions().size()).isLessThanOrEqualTo(maxPreemptions);
      for (Preemption preemption : result.preemptions()) {
        RunningWorkload victim = running.get(preemption.victimId());
        assertThat(victim).as("seed %d: victim runs", seed).isNotNull();
        assertThat(victim.terminating()).as("seed %d: victim not already stopping", seed).isFalse();
        Workload preemptor = pending.get(preemption.preemptorId()).workload();
        if (victim.workload().priority() < preemptor.priority()
            || yieldsByService(victim, pending.get(preemption.preemptorId()), now)) {
          continue;
        }
        String queue = preemptor.queue();
        ResourceAmounts lowest =
            settled
                .getOrDefault(queue, ResourceAmounts.ZERO)
                .subtract(preemptedUsage.getOrDefault(queue, ResourceAmounts.ZERO));
        String victimQueue = victim.workload().queue();
        ResourceAmounts highest =
            usageWithAdmissions
                .getOrDefault(victimQueue, ResourceAmounts.ZERO)
                .add(claimed.getOrDefault(victimQueue, ResourceAmounts.ZERO));
        assertThat(victimQueue).as("seed %d: %s", seed, preemption).isNotEqualTo(queue);
        assertThat(governed(lowest.add(preemptor.total())).fitsIn(nominal(queue)))
            .as("seed %d: %s reclaims nominal quota", seed, preemption)
            .isTrue();
        assertThat(governed(highest).fitsIn(nominal(victimQueue)))
            .as("seed %d: %s takes from a borrowing queue", seed, preemption)
            .isFalse();
      }
    }

    /** Least attained service: same queue and priority, a higher level of service received. */
    private boolean yieldsByService(
        RunningWorkload victim, PendingWorkload preemptor, Instant now) {
      Workload workload = victim.workload();
      return workload.queue().equals(preemptor.workload().queue())
          && workload.priority() == preemptor.workload().priority()
          && cluster.queues().get(workload.queue()).policy() == OrderingPolicy.LAS
          && PendingOrder.lasLevel(victim.attainedGpuSeconds(now))
              > PendingOrder.lasLevel(preemptor.attainedGpuSeconds());
    }

    private ResourceAmounts nominal(String queue) {
      return cluster.queues().get(queue).nominal();
    }

    private static Map<String, ResourceAmounts> usage(List<RunningWorkload> running) {
      Map<String, ResourceAmounts> usage = new HashMap<>();
      for (RunningWorkload workload : running) {
        usage.merge(workload.workload().queue(), workload.workload().total(), ResourceAmounts::add);
      }
      return usage;
    }

    /** Dimensions without any nominal quota are not governed (GPU-only quotas). */
    private ResourceAmounts governed(ResourceAmounts amount) {
      ResourceAmounts sum = ResourceAmounts.ZERO;
      for (QueueSpec queue : cluster.queues().values()) {
        sum = sum.add(queue.nominal());
      }
      return new ResourceAmounts(
          sum.cpuMillis() > 0 ? amount.cpuMillis() : 0,
          sum.memoryBytes() > 0 ? amount.memoryBytes() : 0,
          sum.gpuMilli() > 0 ? amount.gpuMilli() : 0);
    }

    private List<NodeSpec> randomNodes() {
      List<NodeSpec> nodes = new ArrayList<>();
      int count = 1 + random.nextInt(8);
      for (int i = 0; i < count; i++) {
        nodes.add(TestingWorkloads.node("n" + i, random.nextInt(9)));
      }
      return nodes;
    }

    private List<QueueSpec> randomQueues() {
      int totalGpus = cluster.nodes().stream().mapToInt(NodeSpec::gpus).sum();
      boolean cpuQuotas = random.nextInt(3) == 0;
      int count = 1 + random.nextInt(4);
      List<QueueSpec> queues = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        long gpus = random.nextInt(totalGpus / count + 3);
        long cpus = cpuQuotas ? 8_000L * (1 + random.nextInt(8)) : 0;
        ResourceAmounts nominal =
            new ResourceAmounts(cpus, cpuQuotas ? cpus / 1000 * 4 * GI : 0, gpus * 1000);
        ResourceAmounts borrowing =
            random.nextBoolean()
                ? null
                : new ResourceAmounts(
                    cpuQuotas ? 16_000 : 0, cpuQuotas ? 64 * GI : 0, 1000L * random.nextInt(6));
        ResourceAmounts lending =
            random.nextBoolean() ? null : nominal.subtract(ResourceAmounts.gpus(1)).clampToZero();
        OrderingPolicy policy =
            OrderingPolicy.values()[random.nextInt(OrderingPolicy.values().length)];
        queues.add(
            new QueueSpec("q" + i, nominal, borrowing, lending, 1 + random.nextInt(3), policy));
      }
      return queues;
    }

    private Workload randomWorkload(String id, List<String> queues, Instant now) {
      int pods = 1 + random.nextInt(4);
      int kind = random.nextInt(4);
      TestingWorkloads.Builder builder =
          TestingWorkloads.workload(id)
              .queue(queues.get(random.nextInt(queues.size())))
              .pods(pods)
              .priority(random.nextInt(3))
              .cpu(1_000L * (1 + random.nextInt(8)))
              .memory(GI * (1 + random.nextInt(32)))
              .duration(Duration.ofMinutes(1 + random.nextInt(8)))
              .at(now);
      if (kind == 1) {
        builder.gpuFraction(100 * (1 + random.nextInt(9)));
      } else if (kind >= 2) {
        builder.gpus(1 + random.nextInt(4));
      }
      return builder.build();
    }
  }
}
