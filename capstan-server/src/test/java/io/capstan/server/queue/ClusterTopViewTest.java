package io.capstan.server.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.cluster.ClusterTop;
import io.capstan.api.cluster.GpuTop;
import io.capstan.api.cluster.ProjectTop;
import io.capstan.api.job.Framework;
import io.capstan.api.job.JobPhase;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.Resources;
import io.capstan.api.queue.ResourceQuantities;
import io.capstan.runtime.GpuUsage;
import io.capstan.runtime.Node;
import io.capstan.scheduler.OrderingPolicy;
import io.capstan.scheduler.QueueSpec;
import io.capstan.scheduler.cluster.ResourceAmounts;
import io.capstan.server.job.JobRecord;
import io.capstan.server.job.Placement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What {@code GET /api/v1/top} shows a member of some projects, and an admin. */
class ClusterTopViewTest {
  private static final long GI = 1L << 30;
  private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");
  private static final List<Node> NODES =
      List.of(
          new Node(
              "gpu-a",
              new Resources(16_000, 64 * GI, 2),
              List.of(new Node.Gpu(0, "A100", 80 * GI), new Node.Gpu(1, "A100", 80 * GI)),
              Map.of()),
          new Node("cpu-b", new Resources(8_000, 32 * GI, 0), List.of(), Map.of()));
  private static final List<JobRecord> LIVE =
      List.of(
          running("vision", "train", "gpu-a", new Resources(2_000, 8 * GI, 1), 1),
          running("nlp", "bert", "gpu-a", new Resources(1_000, 4 * GI, 1), 0),
          running("audio", "asr", "cpu-b", new Resources(4_000, 8 * GI, 0)),
          queued("nlp", "waiting"));
  private static final Map<String, QueueSpec> QUOTAS =
      Map.of(
          "vision", quota("vision", new ResourceAmounts(0, 0, 2_000)),
          "nlp", quota("nlp", new ResourceAmounts(8_000, 16 * GI, 0)),
          "audio", quota("audio", new ResourceAmounts(1_000, 8 * GI, 0)));

  @Test
  void aMemberSeesTheirProjectAndTheOthersSummedWithoutNames() {
    ClusterTop top = ClusterTopView.of(NODES, LIVE, QUOTAS, Set.of("vision"));

    assertThat(top.capacity()).isEqualTo(new ResourceQuantities("24", "96Gi", "2"));
    assertThat(top.allocated()).isEqualTo(new ResourceQuantities("7", "20Gi", "2"));
    assertThat(top.free()).isEqualTo(new ResourceQuantities("17", "76Gi", "0"));
    assertThat(top.nodes().get(0).allocated()).isEqualTo(new ResourceQuantities("3", "12Gi", "2"));
    assertThat(top.nodes().get(0).gpus())
        .containsExactly(new GpuTop(0, "A100", "in use"), new GpuTop(1, "A100", "vision/train"));
    assertThat(top.nodes().get(1).free()).isEqualTo(new ResourceQuantities("4", "24Gi", "0"));
    assertThat(top.projects())
        .containsExactly(
            new ProjectTop(
                "vision",
                new ResourceQuantities("0", "0", "2"),
                new ResourceQuantities("2", "8Gi", "1"),
                // a GPU quota only: its CPU and memory are all borrowed
                new ResourceQuantities("2", "8Gi", "0"),
                1,
                0),
            new ProjectTop(
                ProjectTop.OTHER_PROJECTS,
                new ResourceQuantities("9", "24Gi", "0"),
                new ResourceQuantities("5", "12Gi", "1"),
                // audio borrows 3 CPUs, nlp 1 GPU: nlp's unused CPU quota does not offset audio's
                new ResourceQuantities("3", "0", "1"),
                2,
                1));
  }

  @Test
  void anAdminSeesEveryProjectByNameAndNoSum() {
    ClusterTop top = ClusterTopView.of(NODES, LIVE, QUOTAS, Set.of("vision", "nlp", "audio"));

    assertThat(top.projects())
        .extracting(ProjectTop::project)
        .containsExactly("audio", "nlp", "vision");
    assertThat(top.nodes().get(0).gpus())
        .extracting(GpuTop::heldBy)
        .containsExactly("nlp/bert", "vision/train");
  }

  @Test
  void eachGpuShowsItsLastUsageSampleWhereTheRuntimeHasOne() {
    List<GpuUsage> usage =
        List.of(
            new GpuUsage("gpu-a", 1, 0.87, 40 * GI, 80 * GI, NOW),
            new GpuUsage("gpu-a", 0, Double.NaN, 0, 80 * GI, NOW));

    ClusterTop top = ClusterTopView.of(NODES, usage, LIVE, QUOTAS, Set.of("vision"));

    assertThat(top.nodes().get(0).gpus())
        .containsExactly(
            new GpuTop(0, "A100", "in use", null, 0L, 80 * GI),
            new GpuTop(1, "A100", "vision/train", 0.87, 40 * GI, 80 * GI));
  }

  private static JobRecord running(
      String project, String name, String node, Resources resources, Integer... gpus) {
    JobSpec spec = spec(name, resources);
    Placement placement =
        new Placement(
            Map.of(
                spec.replicaGroups().get(0).replicaName(0),
                new Placement.ReplicaPlacement(node, List.of(gpus), null)));
    return new JobRecord.Builder(project + "-" + name, project, name, spec, NOW)
        .phase(JobPhase.RUNNING)
        .startedAt(NOW)
        .attempt(1)
        .placement(placement)
        .build();
  }

  private static JobRecord queued(String project, String name) {
    return new JobRecord.Builder(
            project + "-" + name, project, name, spec(name, new Resources(1_000, GI, 0)), NOW)
        .build();
  }

  private static JobSpec spec(String name, Resources resources) {
    ReplicaGroupSpec worker =
        new ReplicaGroupSpec(
            ReplicaRole.WORKER, 1, "host", List.of("true"), List.of(), Map.of(), resources, null);
    return JobSpec.builder(name, Framework.GENERIC, "TrainingJob")
        .replicaGroups(List.of(worker))
        .build();
  }

  private static QueueSpec quota(String project, ResourceAmounts nominal) {
    return new QueueSpec(project, nominal, null, null, 1, OrderingPolicy.LAS);
  }
}
