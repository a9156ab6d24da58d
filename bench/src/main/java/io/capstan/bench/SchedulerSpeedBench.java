package io.capstan.bench;

import io.capstan.scheduler.CycleResult;
import io.capstan.scheduler.PendingWorkload;
import io.capstan.scheduler.Scheduler;
import io.capstan.scheduler.SchedulerConfig;
import io.capstan.scheduler.SchedulerState;
import io.capstan.scheduler.cluster.NodeSpec;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.placement.PlacementStrategy;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Scheduler speed: admissions per second while draining a backlog on an empty cluster, and cycle
 * latency (p50, p99) at steady state on a nearly full cluster with many pending jobs, each cycle
 * with a few completions and as many arrivals. Only {@link Scheduler#runOnce} is timed. Each is
 * reported next to a baseline measured in the same run: admissions against {@link NaiveFirstFit};
 * cycles against the floor, building the cycle's {@link SchedulerState} and sorting its pending
 * jobs by priority, which any scheduler pays.
 *
 * <p>Run: {@code ./mvnw -q -pl bench -am compile exec:java
 * -Dexec.mainClass=io.capstan.bench.SchedulerSpeedBench -Dexec.args="--nodes 5000 --pending
 * 10000,100000"}.
 */
public final class SchedulerSpeedBench {
  private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
  private static final Duration STEP = Duration.ofSeconds(10);
  private static final Duration BACKLOG_SPREAD = Duration.ofHours(2);
  private static final double ADMISSIONS_TARGET = 2_000;
  private static final double CYCLE_P99_TARGET_MILLIS = 100;

  /**
   * CPU time of the scheduling thread, reported next to wall time: on a shared machine, wall time
   * also counts the time other processes held the cores. It leaves out the collector's threads.
   */
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final BenchArgs args;
  private final List<NodeSpec> nodes;
  private final Scheduler scheduler;

  private SchedulerSpeedBench(BenchArgs args) {
    this.args = args;
    this.nodes = SpeedWorkloadMix.nodes(args.nodes(), args.gpusPerNode());
    this.scheduler = new Scheduler(SchedulerConfig.defaults(args.placer().create(observed(), 0)));
  }

  public static void main(String[] argv) {
    BenchArgs args = BenchArgs.parse(argv);
    SchedulerSpeedBench bench = new SchedulerSpeedBench(args);
    List<String> rows = new ArrayList<>();
    rows.add(bench.drain());
    for (int pending : args.pending()) {
      rows.addAll(bench.steadyState(pending));
    }
    bench.print(rows);
  }

  /**
   * Admissions per second of scheduler time, the median of {@code --drains} fresh backlogs after
   * one more that warms the JIT up.
   */
  private String drain() {
    double[] rates = new double[args.drains()];
    double[] baselines = new double[args.drains()];
    for (int run = -1; run < args.drains(); run++) {
      SpeedCluster cluster = new SpeedCluster(nodes);
      SpeedWorkloadMix mix = new SpeedWorkloadMix(args.seed() + run + 1, "drain" + (run + 1));
      List<PendingWorkload> backlog = backlog(mix, args.backlog());
      backlog.forEach(job -> cluster.submit(job.workload()));
      long started = System.nanoTime();
      int firstFit = new NaiveFirstFit(nodes).admit(backlog);
      double baseline = firstFit / seconds(started);
      double rate = drainRate(cluster);
      if (run >= 0) {
        baselines[run] = baseline;
        rates[run] = rate;
      }
    }
    double rate = median(rates);
    double baseline = median(baselines);
    return row(
        "admissions/s, draining a backlog on the empty cluster",
        args.backlog(),
        String.format(Locale.ROOT, "%,.0f /s", rate),
        String.format(Locale.ROOT, "naive first fit %,.0f /s", baseline),
        rate / baseline,
        String.format(
            Locale.ROOT,
            "%s (>= %,.0f /s)",
            verdict(rate >= ADMISSIONS_TARGET),
            ADMISSIONS_TARGET));
  }

  private double drainRate(SpeedCluster cluster) {
    Instant now = START;
    long nanos = 0;
    int admitted = 0;
    while (cluster.pendingCount() > 0) {
      SchedulerState state = cluster.state();
      long started = System.nanoTime();
      CycleResult result = scheduler.runOnce(state, now);
      nanos += System.nanoTime() - started;
      cluster.apply(result, now);
      admitted += result.admitted().size();
      if (result.admitted().isEmpty()) {
        break;
      }
      now = now.plus(STEP);
    }
    return admitted / (nanos / 1e9);
  }

  /** Fills the cluster, adds {@code pending} jobs, then times steady cycles with churn. */
  private List<String> steadyState(int pending) {
    SpeedCluster cluster = new SpeedCluster(nodes);
    SpeedWorkloadMix mix = new SpeedWorkloadMix(args.seed() + pending, "job");
    Instant now = fill(cluster, mix);
    backlog(mix, pending).forEach(job -> cluster.submit(job.workload()));
    SplittableRandom churn = new SplittableRandom(args.seed());
    int cycles = args.warmup() + args.cycles();
    double[] cycleMillis = new double[args.cycles()];
    double[] floorMillis = new double[args.cycles()];
    double[] cycleCpuMillis = new double[args.cycles()];
    double[] floorCpuMillis = new double[args.cycles()];
    long admitted = 0;
    long preempted = 0;
    long waiting = 0;
    DecisionDigest digest = new DecisionDigest();
    for (int cycle = 0; cycle < cycles; cycle++) {
      now = now.plus(STEP);
      cluster.finishStopping(now);
      cluster.complete(args.churn(), churn);
      for (int i = 0; i < args.churn(); i++) {
        cluster.submit(mix.next(now));
      }
      long floorCpuStarted = THREADS.getCurrentThreadCpuTime();
      long floorStarted = System.nanoTime();
      SchedulerState state = cluster.state();
      new ArrayList<>(state.pending()).sort(NaiveFirstFit.PRIORITY_THEN_ARRIVAL);
      double floor = (System.nanoTime() - floorStarted) / 1e6;
      double floorCpu = (THREADS.getCurrentThreadCpuTime() - floorCpuStarted) / 1e6;
      long cpuStarted = THREADS.getCurrentThreadCpuTime();
      long started = System.nanoTime();
      CycleResult result = scheduler.runOnce(state, now);
      double millis = (System.nanoTime() - started) / 1e6;
      double cpuMillis = (THREADS.getCurrentThreadCpuTime() - cpuStarted) / 1e6;
      cluster.apply(result, now);
      digest.add(result);
      int measured = cycle - args.warmup();
      if (measured >= 0) {
        cycleMillis[measured] = millis;
        floorMillis[measured] = floor;
        cycleCpuMillis[measured] = cpuMillis;
        floorCpuMillis[measured] = floorCpu;
        admitted += result.admitted().size();
        preempted += result.preemptions().size();
        waiting += state.pending().size();
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%,d pending: %d cycles after %d warm-up, GPUs %.1f%% allocated at the end,"
            + " per cycle %.1f pending, %.1f admitted, %.1f preempted; decisions digest %s%n",
        pending,
        args.cycles(),
        args.warmup(),
        100 * cluster.gpuUtilization(),
        waiting / (double) args.cycles(),
        admitted / (double) args.cycles(),
        preempted / (double) args.cycles(),
        digest);
    return List.of(
        latencyRow("cycle p50, nearly full cluster", pending, cycleMillis, floorMillis, 0.50, ""),
        latencyRow(
            "cycle p99, nearly full cluster",
            pending,
            cycleMillis,
            floorMillis,
            0.99,
            String.format(
                Locale.ROOT,
                "%s (< %.0f ms)",
                verdict(percentile(cycleMillis, 0.99) < CYCLE_P99_TARGET_MILLIS),
                CYCLE_P99_TARGET_MILLIS)),
        latencyRow(
            "  the same p50, CPU time of the scheduling thread",
            pending,
            cycleCpuMillis,
            floorCpuMillis,
            0.50,
            ""),
        latencyRow(
            "  the same p99, CPU time of the scheduling thread",
            pending,
            cycleCpuMillis,
            floorCpuMillis,
            0.99,
            ""));
  }

  /** Jobs arrive until they ask for the cluster's GPUs; cycles admit until nothing more fits. */
  private Instant fill(SpeedCluster cluster, SpeedWorkloadMix mix) {
    Instant now = START;
    long asked = 0;
    while (asked < cluster.capacity().gpuMilli()) {
      PendingWorkload job = new PendingWorkload(mix.next(now), 0);
      asked += job.workload().total().gpuMilli();
      cluster.submit(job.workload());
    }
    for (int cycle = 0; cycle < 20; cycle++) {
      now = now.plus(STEP);
      CycleResult result = scheduler.runOnce(cluster.state(), now);
      cluster.apply(result, now);
      if (result.admitted().isEmpty()) {
        break;
      }
    }
    return now;
  }

  private static List<PendingWorkload> backlog(SpeedWorkloadMix mix, int count) {
    List<PendingWorkload> backlog = new ArrayList<>(count);
    long spread = BACKLOG_SPREAD.toMillis();
    for (int i = 0; i < count; i++) {
      Instant submitted = START.minusMillis(spread - spread * i / Math.max(1, count));
      backlog.add(new PendingWorkload(mix.next(submitted), 0));
    }
    return backlog;
  }

  /** A sample of the mix's pods, the target workload of the fragmentation-aware placer. */
  private List<PodDemand> observed() {
    SpeedWorkloadMix mix = new SpeedWorkloadMix(args.seed(), "observed");
    List<PodDemand> pods = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      pods.addAll(mix.next(START).pods());
    }
    return pods;
  }

  private String latencyRow(
      String name, int pending, double[] cycles, double[] floors, double quantile, String target) {
    double cycle = percentile(cycles, quantile);
    double floor = percentile(floors, quantile);
    return row(
        name,
        pending,
        String.format(Locale.ROOT, "%.1f ms", cycle),
        String.format(Locale.ROOT, "floor %.1f ms", floor),
        cycle / floor,
        target);
  }

  private static String row(
      String name, int jobs, String value, String baseline, double ratio, String target) {
    return String.format(
        Locale.ROOT,
        "| %-53s | %,9d | %14s | %28s | %8.2f | %-22s |",
        name,
        jobs,
        value,
        baseline,
        ratio,
        target);
  }

  private void print(List<String> rows) {
    System.out.printf(
        Locale.ROOT,
        "%n%,d nodes x %d GPUs (%,d GPUs), placer %s, seed %d, %d completions and arrivals per"
            + " cycle%n%n",
        args.nodes(),
        args.gpusPerNode(),
        args.nodes() * args.gpusPerNode(),
        args.placer(),
        args.seed(),
        args.churn());
    System.out.printf(
        Locale.ROOT,
        "| %-53s | %9s | %14s | %28s | %8s | %-22s |%n",
        "measurement",
        "jobs",
        "scheduler",
        "baseline (same run)",
        "ratio",
        "target");
    System.out.println(
        "|-------------------------------------------------------|----------:|---------------:|"
            + "-----------------------------:|---------:|------------------------|");
    rows.forEach(System.out::println);
  }

  private static String verdict(boolean met) {
    return met ? "met" : "NOT met";
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  private static double median(double[] values) {
    return percentile(values, 0.5);
  }

  /** The nearest-rank percentile. */
  private static double percentile(double[] values, double quantile) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(quantile * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** The harness's arguments, with the sizes as defaults. */
  private record BenchArgs(
      int nodes,
      int gpusPerNode,
      int backlog,
      int[] pending,
      int cycles,
      int warmup,
      int churn,
      int drains,
      long seed,
      PlacementStrategy placer) {
    static BenchArgs parse(String[] argv) {
      return new BenchArgs(
          Integer.parseInt(CommandLine.value(argv, "--nodes", "5000")),
          Integer.parseInt(CommandLine.value(argv, "--gpus-per-node", "8")),
          Integer.parseInt(CommandLine.value(argv, "--backlog", "10000")),
          Arrays.stream(CommandLine.value(argv, "--pending", "10000,100000").split(","))
              .mapToInt(Integer::parseInt)
              .toArray(),
          Integer.parseInt(CommandLine.value(argv, "--cycles", "60")),
          Integer.parseInt(CommandLine.value(argv, "--warmup", "10")),
          Integer.parseInt(CommandLine.value(argv, "--churn", "20")),
          Integer.parseInt(CommandLine.value(argv, "--drains", "3")),
          Long.parseLong(CommandLine.value(argv, "--seed", "42")),
          PlacementStrategy.valueOf(CommandLine.value(argv, "--placer", "BEST_FIT")));
    }
  }
}
