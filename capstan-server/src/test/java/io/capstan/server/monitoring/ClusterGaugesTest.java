package io.capstan.server.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.Framework;
import io.capstan.api.job.JobEvent;
import io.capstan.api.job.JobPhase;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.Resources;
import io.capstan.runtime.GpuUsage;
import io.capstan.runtime.testing.InMemoryRuntime;
import io.capstan.server.job.JobRecord;
import io.capstan.server.job.JobStore;
import io.capstan.server.job.Placement;
import io.capstan.server.store.TestingDatabase;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** What Prometheus reads of the cluster: here, each GPU's sample with the project that holds it. */
class ClusterGaugesTest {
  private static final Instant NOW = Instant.parse("2026-12-07T03:00:00Z");
  private static final long GI = 1L << 30;

  @Test
  void eachSampledGpuIsAGaugeLabelledWithItsNodeIndexAndHoldingProject() {
    TestingDatabase db = TestingDatabase.h2();
    db.jdbc().sql("insert into projects (name, created_at) values ('vision', 0)").update();
    JobStore jobs = new JobStore(db.jdbc(), db.transactions(), JsonMapper.builder().build());
    jobs.insert(
        runningOnGpu("vision", "train", "node-0", 1),
        List.of(),
        new JobEvent(NOW, JobPhase.RUNNING, "Started", "test"));
    InMemoryRuntime runtime =
        new InMemoryRuntime(Clock.fixed(NOW, ZoneOffset.UTC))
            .gpuUsage(
                new GpuUsage("node-0", 0, Double.NaN, 0, 80 * GI, NOW),
                new GpuUsage("node-0", 1, 0.87, 40 * GI, 80 * GI, NOW));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ClusterGauges gauges =
        new ClusterGauges(registry, db.jdbc(), jobs, runtime, Clock.fixed(NOW, ZoneOffset.UTC));

    gauges.refresh();

    String text = registry.scrape();
    assertThat(text)
        .contains(
            "capstan_gpu_utilization_ratio{gpu=\"1\",node=\"node-0\",project=\"vision\"} 0.87")
        .contains(
            "capstan_gpu_memory_used_bytes{gpu=\"1\",node=\"node-0\",project=\"vision\"} "
                + (double) (40 * GI))
        .contains("capstan_gpu_memory_used_bytes{gpu=\"0\",node=\"node-0\",project=\"\"} 0.0")
        .as("a device that does not report its utilisation has no such series")
        .doesNotContain("capstan_gpu_utilization_ratio{gpu=\"0\"");
  }

  private static JobRecord runningOnGpu(String project, String name, String node, int gpu) {
    ReplicaGroupSpec worker =
        new ReplicaGroupSpec(
            ReplicaRole.WORKER,
            1,
            "host",
            List.of("true"),
            List.of(),
            Map.of(),
            new Resources(1_000, GI, 1),
            null);
    JobSpec spec =
        JobSpec.builder(name, Framework.GENERIC, "TrainingJob")
            .replicaGroups(List.of(worker))
            .build();
    Placement placement =
        new Placement(
            Map.of(
                worker.replicaName(0), new Placement.ReplicaPlacement(node, List.of(gpu), null)));
    return new JobRecord.Builder(project + "-" + name, project, name, spec, NOW)
        .phase(JobPhase.RUNNING)
        .startedAt(NOW)
        .attempt(1)
        .placement(placement)
        .build();
  }
}
