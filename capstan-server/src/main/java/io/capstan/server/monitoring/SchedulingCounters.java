package io.capstan.server.monitoring;

import io.capstan.scheduler.growth.UnplaceableDemand;
import io.capstan.server.job.AdmissionEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts admissions, preemptions and reclaims per project and kind, as the job controller makes
 * them, and gauges the gangs that wait for nodes by node shape after each cycle.
 */
final class SchedulingCounters implements AdmissionEvents {
  private final MeterRegistry registry;
  private final MultiGauge gangs;
  private final MultiGauge pods;
  private final MultiGauge gpus;

  SchedulingCounters(MeterRegistry registry) {
    this.registry = registry;
    this.gangs =
        MultiGauge.builder("capstan.unschedulable.gangs")
            .description(
                "Waiting gangs that no free room holds and that new nodes of this shape would"
                    + " hold whole (shape none: no shape of the cluster holds them)")
            .register(registry);
    this.pods =
        MultiGauge.builder("capstan.unschedulable.pods")
            .description("The pods of those gangs")
            .register(registry);
    this.gpus =
        MultiGauge.builder("capstan.unschedulable.gpus")
            .description("The GPUs the pods of those gangs ask for")
            .register(registry);
  }

  @Override
  public void unplaceable(List<UnplaceableDemand.Want> demand) {
    List<MultiGauge.Row<?>> gangRows = new ArrayList<>();
    List<MultiGauge.Row<?>> podRows = new ArrayList<>();
    List<MultiGauge.Row<?>> gpuRows = new ArrayList<>();
    for (UnplaceableDemand.Want want : demand) {
      Tags shape = Tags.of("shape", want.shape());
      gangRows.add(MultiGauge.Row.of(shape, want.gangs()));
      podRows.add(MultiGauge.Row.of(shape, want.pods()));
      gpuRows.add(MultiGauge.Row.of(shape, want.gpus()));
    }
    gangs.register(gangRows, true);
    pods.register(podRows, true);
    gpus.register(gpuRows, true);
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
