package io.capstan.server.monitoring;

import io.capstan.scheduler.growth.UnplaceableDemand;
import io.capstan.server.job.AdmissionEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts admissions, preemptions and reclaims per project and kind, as the job controller makes
 * them, and gauges the gangs that wait for nodes by node shape after each cycle. The gauges read
 * the last cycle's figures when scraped (a shape once seen stays, at 0 when nothing waits for it):
 * nothing is registered or removed while a scrape may run.
 */
final class SchedulingCounters implements AdmissionEvents {
  private final MeterRegistry registry;
  private volatile Map<String, UnplaceableDemand.Want> demand = Map.of();
  private final Set<String> shapes = ConcurrentHashMap.newKeySet();

  SchedulingCounters(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void unplaceable(List<UnplaceableDemand.Want> wants) {
    Map<String, UnplaceableDemand.Want> byShape = new HashMap<>();
    wants.forEach(want -> byShape.put(want.shape(), want));
    demand = Map.copyOf(byShape);
    for (String shape : byShape.keySet()) {
      if (shapes.add(shape)) {
        gauge(
            "capstan.unschedulable.gangs",
            "Waiting gangs that no free room holds and that new nodes of this shape would hold"
                + " whole (shape none: no shape of the cluster holds them)",
            shape,
            UnplaceableDemand.Want::gangs);
        gauge(
            "capstan.unschedulable.pods",
            "The pods of those gangs",
            shape,
            UnplaceableDemand.Want::pods);
        gauge(
            "capstan.unschedulable.gpus",
            "The GPUs the pods of those gangs ask for",
            shape,
            UnplaceableDemand.Want::gpus);
      }
    }
  }

  private void gauge(
      String name,
      String help,
      String shape,
      java.util.function.ToDoubleFunction<UnplaceableDemand.Want> value) {
    Gauge.builder(
            name,
            this,
            counters -> {
              UnplaceableDemand.Want want = counters.demand.get(shape);
              return want == null ? 0 : value.applyAsDouble(want);
            })
        .description(help)
        .tag("shape", shape)
        .register(registry);
  }

  @Override
  public void reclaimed(String project, String kind) {
    counter(
            "capstan.node.reclaims",
            "Workloads sent back to the queue because the cloud took back their node",
            project,
            kind)
        .increment();
  }

  @Override
  public void admitted(String project, String kind) {
    counter("capstan.admissions", "Workloads admitted by the scheduler", project, kind).increment();
  }

  @Override
  public void preempted(String project, String kind) {
    counter("capstan.preemptions", "Workloads preempted to admit others", project, kind)
        .increment();
  }

  private Counter counter(String name, String help, String project, String kind) {
    return Counter.builder(name)
        .description(help)
        .tags("project", project, "kind", kind)
        .register(registry);
  }
}
