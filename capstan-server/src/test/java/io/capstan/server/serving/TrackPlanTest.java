package io.capstan.server.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rolling updates one replica at a time, never fewer answering replicas than wanted. */
class TrackPlanTest {
  @Test
  void aNewServiceStartsEveryWantedReplicaAtOnce() {
    TrackPlan plan = TrackPlan.of(List.of(), List.of(), 3);

    assertThat(plan.start()).isEqualTo(3);
    assertThat(plan.retire()).isEmpty();
  }

  @Test
  void aRolloutReplacesOneReplicaAtATimeAndKeepsTwoAnswering() {
    List<TrackPlan.Replica> old = new ArrayList<>(List.of(ready("old-a", 1), ready("old-b", 2)));
    List<TrackPlan.Replica> current = new ArrayList<>();
    int answeringLeast = Integer.MAX_VALUE;
    for (int pass = 0; pass < 10 && !(old.isEmpty() && current.size() == 2); pass++) {
      TrackPlan plan = TrackPlan.of(current, old, 2);
      for (TrackPlan.Replica retired : plan.retire()) {
        old.remove(retired);
        current.remove(retired);
      }
      // What answers after this pass: the replicas left (a started one answers from the next pass).
      int answering =
          (int)
              (old.stream().filter(TrackPlan.Replica::ready).count()
                  + current.stream().filter(TrackPlan.Replica::ready).count());
      answeringLeast = Math.min(answeringLeast, answering);
      assertThat(current.size() + old.size() + plan.start()).isLessThanOrEqualTo(3);
      List<TrackPlan.Replica> next = new ArrayList<>();
      for (TrackPlan.Replica replica : current) {
        next.add(ready(replica.job(), replica.createdAt()));
      }
      for (int i = 0; i < plan.start(); i++) {
        next.add(new TrackPlan.Replica("new-" + pass + "-" + i, false, 100 + pass));
      }
      current = next;
    }

    assertThat(old).isEmpty();
    assertThat(current).hasSize(2).allMatch(TrackPlan.Replica::ready);
    assertThat(answeringLeast).isEqualTo(2);
  }

  @Test
  void aReplacedReplicaThatDoesNotAnswerIsStoppedAtOnce() {
    TrackPlan plan = TrackPlan.of(List.of(), List.of(new TrackPlan.Replica("old-a", false, 1)), 1);

    assertThat(plan.retire()).extracting(TrackPlan.Replica::job).containsExactly("old-a");
    assertThat(plan.start()).isEqualTo(1);
  }

  @Test
  void scalingDownRetiresWaitingReplicasFirstThenTheNewest() {
    TrackPlan plan =
        TrackPlan.of(
            List.of(
                ready("a", 1), ready("b", 2), new TrackPlan.Replica("c", false, 3), ready("d", 4)),
            List.of(),
            2);

    assertThat(plan.retire()).extracting(TrackPlan.Replica::job).containsExactly("c", "d");
    assertThat(plan.start()).isZero();
  }

  private static TrackPlan.Replica ready(String job, long createdAt) {
    return new TrackPlan.Replica(job, true, createdAt);
  }
}
