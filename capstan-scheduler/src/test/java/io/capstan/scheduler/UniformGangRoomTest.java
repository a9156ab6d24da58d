package io.capstan.scheduler;

import static io.capstan.scheduler.TestingWorkloads.GI;
import static io.capstan.scheduler.TestingWorkloads.T0;
import static io.capstan.scheduler.TestingWorkloads.node;
import static io.capstan.scheduler.TestingWorkloads.queue;
import static io.capstan.scheduler.TestingWorkloads.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.ResourceAmounts;
import io.capstan.scheduler.placement.BestFitPlacer;
import io.capstan.scheduler.placement.GangPlacer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UniformGangRoomTest {
  private final GangPlacer placer = new BestFitPlacer();
  private final Map<String, QueueSpec> queues = Map.of("a", queue("a", 12), "b", queue("b", 12));

  @Test
  void admitsExactlyWhenTheSnapshotWithTheSameReleasesDoes() {
    SplittableRandom random = new SplittableRandom(5);
    for (int round = 0; round < 40; round++) {
      List<NodeState> nodes = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        nodes.add(NodeState.empty(node("n" + i, 4)));
      }
      List<RunningWorkload> running = fill(nodes, random);
      WorkingSnapshot snapshot =
          WorkingSnapshot.of(nodes, QuotaBook.of(queues, ResourceAmounts.gpus(24), running));
      for (int trial = 0; trial < 5; trial++) {
        Workload candidate = gang(workload("c").queue(random.nextBoolean() ? "a" : "b"), random);
        UniformGangRoom room = UniformGangRoom.of(candidate, snapshot).orElseThrow();
        List<RunningWorkload> released = new ArrayList<>();
        List<RunningWorkload> order = shuffled(running, random);
        for (RunningWorkload victim : order) {
          room.release(victim);
          released.add(victim);
          assertThat(room.admits())
              .as("%s without %s", candidate, released)
              .isEqualTo(fits(candidate, snapshot.withReleased(released)));
        }
        for (RunningWorkload victim : shuffled(order, random)) {
          room.restore(victim);
          released.remove(victim);
          assertThat(room.admits())
              .as("%s without %s", candidate, released)
              .isEqualTo(fits(candidate, snapshot.withReleased(released)));
        }
      }
    }
  }

  @Test
  void onlyGangsOfIdenticalPods() {
    WorkingSnapshot snapshot =
        WorkingSnapshot.of(
            List.of(NodeState.empty(node("n0", 4))),
            QuotaBook.of(queues, ResourceAmounts.gpus(4), List.of()));
    Workload mixed =
        new Workload(
            "m",
            "a",
            0,
            T0,
            List.of(
                workload("x").gpus(1).build().pods().get(0),
                workload("y").gpus(2).build().pods().get(0)),
            null);
    assertThat(UniformGangRoom.of(mixed, snapshot)).isEmpty();
    assertThat(UniformGangRoom.of(workload("u").pods(3).gpus(1).build(), snapshot)).isPresent();
  }

  private boolean fits(Workload candidate, WorkingSnapshot snapshot) {
    return snapshot.admit(candidate, placer).isPresent();
  }

  /** Places random whole-GPU, GPU-sharing and CPU-only jobs until one does not fit. */
  private List<RunningWorkload> fill(List<NodeState> nodes, SplittableRandom random) {
    List<RunningWorkload> running = new ArrayList<>();
    for (int i = 0; ; i++) {
      Workload job = gang(workload("r" + i).queue(i % 2 == 0 ? "a" : "b"), random);
      Optional<List<PodAllocation>> placement = placer.place(job.pods(), nodes);
      if (placement.isEmpty()) {
        return running;
      }
      for (PodAllocation allocation : placement.get()) {
        int index = Integer.parseInt(allocation.node().substring(1));
        nodes.set(index, nodes.get(index).allocate(allocation));
      }
      running.add(new RunningWorkload(job, placement.get(), T0, 0, false));
    }
  }

  private static Workload gang(TestingWorkloads.Builder builder, SplittableRandom random) {
    builder.pods(1 + random.nextInt(3)).cpu(1_000L * (1 + random.nextInt(12)));
    builder.memory(GI * (1 + random.nextInt(64)));
    switch (random.nextInt(3)) {
      case 0 -> builder.gpus(1 + random.nextInt(4));
      case 1 -> builder.gpuFraction(100 * (1 + random.nextInt(9)));
      default -> builder.gpus(0);
    }
    return builder.build();
  }

  private static List<RunningWorkload> shuffled(
      List<RunningWorkload> workloads, SplittableRandom random) {
    List<RunningWorkload> shuffled = new ArrayList<>(workloads);
    for (int i = shuffled.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      shuffled.set(i, shuffled.set(j, shuffled.get(i)));
    }
    return shuffled;
  }
}
