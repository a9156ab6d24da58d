package io.capstan.server.monitoring;

import io.capstan.server.job.AdmissionEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counts admissions and preemptions per project and kind, as the job controller makes them. */
final class SchedulingCounters implements AdmissionEvents {
  private final MeterRegistry registry;

  SchedulingCounters(MeterRegistry registry) {
    this.registry = registry;
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
