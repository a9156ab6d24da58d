package io.capstan.bench;

import io.capstan.scheduler.OrderingPolicy;
import io.capstan.scheduler.QueueSpec;
import io.capstan.scheduler.Scheduler;
import io.capstan.scheduler.SchedulerConfig;
import io.capstan.scheduler.cluster.NodeSpec;
import io.capstan.scheduler.placement.BestFitPlacer;
import io.capstan.scheduler.simulation.PhillyReplay;
import io.capstan.scheduler.simulation.SimJob;
import io.capstan.scheduler.simulation.SimulationReport;
import io.capstan.scheduler.simulation.Simulator;
import io.capstan.scheduler.simulation.SvgChart;
import io.capstan.scheduler.trace.PhillyJob;
import io.capstan.scheduler.trace.PhillyTrace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Replays a window of Microsoft's Philly trace through the scheduler under several ordering
 * policies on the same simulated cluster, and prints job completion time, queueing delay, makespan,
 * GPU allocation and per-virtual-cluster fairness as a table, with ratios against FIFO and against
 * shortest-job-first that knows the true durations; writes the GPU allocation chart as SVG. Two
 * set-ups in one run: one queue per virtual cluster with nominal quotas (Capstan's projects), and
 * one queue for the whole cluster (Tiresias' evaluation, no quota guarantees).
 *
 * <p>Run: {@code mvn -q -pl bench exec:java -Dexec.mainClass=io.capstan.bench.PhillyReplayBench
 * -Dexec.args="--from 2017-10-09 --days 1 --nodes 12 --chart philly.svg"}; {@code
 * --starvation-hours}, {@code --starvation-factor} and {@code --restart-seconds} change the
 * server's and the simulator's defaults.
 */
public final class PhillyReplayBench {
  private PhillyReplayBench() {}

  /** A policy to compare: the queues' ordering and whether backfill is on. */
  private record Policy(String name, OrderingPolicy ordering, boolean backfill, boolean oracle) {}

  private static final String FIFO = "FIFO (strict)";
  private static final String FIFO_BACKFILL = "FIFO + backfill";
  private static final String ORACLE = "SJF oracle";

  private static final List<Policy> POLICIES =
      List.of(
          new Policy(FIFO, OrderingPolicy.FIFO, false, false),
          new Policy(FIFO_BACKFILL, OrderingPolicy.FIFO, true, false),
          new Policy("LAS (default)", OrderingPolicy.LAS, true, false),
          new Policy(ORACLE, OrderingPolicy.SJF_ORACLE, true, true));

  public static void main(String[] args) throws IOException {
    Instant from = Instant.parse(CommandLine.value(args, "--from", "2017-10-09") + "T00:00:00Z");
    Duration span = Duration.ofDays(Long.parseLong(CommandLine.value(args, "--days", "1")));
    int nodeCount = Integer.parseInt(CommandLine.value(args, "--nodes", "12"));
    String chart = CommandLine.value(args, "--chart", "");
    SchedulerConfig defaults = SchedulerConfig.defaults(new BestFitPlacer());
    Duration starvationAge =
        Duration.ofMinutes(
            Math.round(
                60
                    * Double.parseDouble(
                        CommandLine.value(
                            args,
                            "--starvation-hours",
                            Double.toString(defaults.starvationAge().toMinutes() / 60.0)))));
    double starvationFactor =
        Double.parseDouble(
            CommandLine.value(
                args, "--starvation-factor", Double.toString(defaults.starvationFactor())));
    Simulator.Settings settingDefaults = Simulator.Settings.defaults();
    Simulator.Settings settings =
        new Simulator.Settings(
            settingDefaults.gracePeriod(),
            settingDefaults.period(),
            settingDefaults.tick(),
            Duration.ofSeconds(
                CommandLine.intValue(
                    args, "--restart-seconds", (int) settingDefaults.restartCost().toSeconds())));

    PhillyTrace trace = PhillyTrace.load();
    List<PhillyJob> window = trace.window(from, span);
    List<NodeSpec> nodes = PhillyReplay.nodes(nodeCount);
    int gpus = nodeCount * PhillyReplay.GPUS_PER_NODE;
    double gpuSeconds = window.stream().mapToDouble(PhillyJob::gpuSeconds).sum();
    System.out.printf(
        Locale.ROOT,
        "%nPhilly replay: %d jobs submitted %s + %d days, %d nodes x 8 GPUs = %d GPUs, "
            + "offered load %.2f (GPU-time asked / GPU-time in the window); starvation after "
            + "max(%s, %.1f x run time); grace %d s, restart %d s per preemption%n",
        window.size(),
        from,
        span.toDays(),
        nodeCount,
        gpus,
        gpuSeconds / (gpus * (double) span.toSeconds()),
        starvationAge,
        starvationFactor,
        settings.gracePeriod().toSeconds(),
        settings.restartCost().toSeconds());

    for (boolean oneQueue : List.of(false, true)) {
      System.out.printf(
          Locale.ROOT,
          "%n%s%n",
          oneQueue
              ? "One queue for the whole cluster (Tiresias' setting, no quota guarantees):"
              : "One queue per virtual cluster, nominal GPU quotas in proportion to its nodes:");
      Map<String, SimulationReport> reports = new LinkedHashMap<>();
      Map<String, Double> millis = new LinkedHashMap<>();
      for (Policy policy : POLICIES) {
        Map<String, QueueSpec> queues =
            oneQueue
                ? PhillyReplay.oneQueue(gpus, policy.ordering())
                : PhillyReplay.queues(trace.virtualClusterNodes(), gpus, policy.ordering());
        Scheduler scheduler =
            new Scheduler(
                new SchedulerConfig(
                    defaults.placer(),
                    starvationAge,
                    policy.backfill(),
                    defaults.maxPreemptionsPerCycle(),
                    starvationFactor));
        List<SimJob> jobs = PhillyReplay.jobs(window, policy.oracle());
        long started = System.nanoTime();
        SimulationReport report =
            new Simulator(scheduler, nodes, queues, settings)
                .run(oneQueue ? PhillyReplay.inOneQueue(jobs) : jobs);
        millis.put(policy.name(), (System.nanoTime() - started) / 1e6);
        reports.put(policy.name(), report);
        System.out.printf(
            Locale.ROOT,
            "  %s: avg JCT %.2f h, %d cycles, simulated in %.1f s%n",
            policy.name(),
            hours(report.completionTimes().mean()),
            report.cycles(),
            millis.get(policy.name()) / 1000);
      }
      print(reports, millis);
      if (!chart.isEmpty() && !oneQueue) {
        writeChart(Path.of(chart), reports, from);
      }
    }
  }

  private static void print(Map<String, SimulationReport> reports, Map<String, Double> millis) {
    double fifo = reports.get(FIFO).completionTimes().mean();
    double fifoBackfill = reports.get(FIFO_BACKFILL).completionTimes().mean();
    double oracle = reports.get(ORACLE).completionTimes().mean();
    System.out.printf(
        Locale.ROOT,
        "| %-16s | %9s | %9s | %10s | %9s | %10s | %9s | %6s | %5s | %7s | %7s | %8s | %8s |"
            + " %8s | %7s |%n",
        "policy",
        "avg JCT h",
        "p50 JCT h",
        "p99 JCT h",
        "avg wait h",
        "p99 wait h",
        "makespan d",
        "GPU %",
        "Jain",
        "preempt",
        "max/job",
        "JCT/FIFO",
        "/FIFO+bf",
        "JCT/SJF",
        "sim s");
    System.out.println(
        "|------------------|----------:|----------:|-----------:|-----------:|-----------:"
            + "|-----------:|-------:|------:|--------:|--------:|---------:|---------:|---------:"
            + "|--------:|");
    reports.forEach(
        (name, report) -> {
          double jct = report.completionTimes().mean();
          System.out.printf(
              Locale.ROOT,
              "| %-16s | %9.2f | %9.2f | %10.2f | %10.2f | %10.2f | %10.2f | %6.1f | %5.3f | %7d "
                  + "| %7d | %8.3f | %8.3f | %8.3f | %7.1f |%n",
              name,
              hours(jct),
              hours(report.completionTimes().percentile(50)),
              hours(report.completionTimes().percentile(99)),
              hours(report.queueingDelays().mean()),
              hours(report.queueingDelays().percentile(99)),
              report.makespan().toMinutes() / 1440.0,
              100 * report.averageAllocation(),
              report.queueFairness(),
              report.preemptions(),
              report.mostPreemptionsOfAJob(),
              jct / fifo,
              jct / fifoBackfill,
              jct / oracle,
              millis.get(name) / 1000);
          if (!report.rejected().isEmpty() || !report.unfinished().isEmpty()) {
            System.out.printf(
                Locale.ROOT,
                "  %s: %d rejected, %d unfinished%n",
                name,
                report.rejected().size(),
                report.unfinished().size());
          }
        });
  }

  private static void writeChart(Path path, Map<String, SimulationReport> reports, Instant from)
      throws IOException {
    Duration span = Duration.ZERO;
    long capacity = 0;
    List<SvgChart.Series> series = new ArrayList<>();
    for (Map.Entry<String, SimulationReport> entry : reports.entrySet()) {
      SimulationReport report = entry.getValue();
      Duration end = Duration.between(from, report.start().plus(report.makespan()));
      span = end.compareTo(span) > 0 ? end : span;
      capacity = report.capacityGpuMilli();
      series.add(new SvgChart.Series(entry.getKey(), report.allocation()));
    }
    String svg =
        new SvgChart("GPUs allocated over time, Philly replay", from, span, capacity)
            .render(series);
    Files.writeString(path, svg);
    System.out.println("\nchart: " + path.toAbsolutePath());
  }

  private static double hours(double seconds) {
    return seconds / 3600;
  }
}
