package io.capstan.server.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.Resources;
import io.capstan.runtime.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FifoGangAdmissionTest {
  private static final long GI = 1L << 30;
  private final FifoGangAdmission admission = new FifoGangAdmission();
  private final Node node =
      new Node(
          "box",
          new Resources(8000, 32 * GI, 4),
          List.of(gpu(0), gpu(1), gpu(2), gpu(3)),
          Map.of());

  @Test
  void admitsWholeGangWithDistinctGpus() {
    List<AdmissionDecision> decisions =
        admission.decide(List.of(gang("a", 2, new Resources(1000, GI, 2))), cluster());

    assertThat(decisions.get(0).admitted()).isTrue();
    assertThat(decisions.get(0).placements().get("worker-0").gpus()).containsExactly(0, 1);
    assertThat(decisions.get(0).placements().get("worker-1").gpus()).containsExactly(2, 3);
  }

  @Test
  void neverStartsPartOfAGangAndKeepsOrder() {
    ClusterState busy = cluster().hold("box", new Resources(6000, GI, 3), List.of(0, 1, 2));

    List<AdmissionDecision> decisions =
        admission.decide(
            List.of(gang("big", 2, new Resources(1000, GI, 1)), gang("small", 1, Resources.NONE)),
            busy);

    assertThat(decisions.get(0).admitted()).isFalse();
    assertThat(decisions.get(0).placements()).isEmpty();
    assertThat(decisions.get(0).reason())
        .isEqualTo(
            "waiting for resources: needs cpu=2 memory=2Gi gpu=2 for 2 replicas at once;"
                + " free now cpu=2 memory=31Gi gpu=1 of cpu=8 memory=32Gi gpu=4");
    assertThat(decisions.get(1).admitted()).isFalse();
    assertThat(decisions.get(1).reason())
        .isEqualTo("queued behind job 'big'; 1 jobs ahead in the queue");
  }

  @Test
  void usesHeldGpusOfRunningJobs() {
    ClusterState busy = cluster().hold("box", Resources.NONE, List.of(0, 2));

    AdmissionDecision decision =
        admission.decide(List.of(gang("a", 1, new Resources(0, 0, 2))), busy).get(0);

    assertThat(decision.placements().get("worker-0").gpus()).containsExactly(1, 3);
  }

  @Test
  void explainsAJobThatCanNeverFit() {
    String why = admission.neverFits(gang("huge", 2, new Resources(1000, GI, 3)), cluster());

    assertThat(why)
        .isEqualTo(
            "Job 'huge' can never start here: its 2 replicas need cpu=2 memory=2Gi gpu=6 in all,"
                + " but the cluster has cpu=8 memory=32Gi gpu=4 on 1 node");
    assertThat(admission.neverFits(gang("ok", 2, new Resources(1000, GI, 2)), cluster())).isNull();
  }

  private ClusterState cluster() {
    return ClusterState.empty(List.of(node));
  }

  private static GangRequest gang(String name, int replicas, Resources each) {
    List<GangRequest.ReplicaRequest> requests = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      requests.add(new GangRequest.ReplicaRequest("worker-" + i, each));
    }
    return new GangRequest(name + "-uid", "p", name, requests);
  }

  private static Node.Gpu gpu(int index) {
    return new Node.Gpu(index, "A100", 80 * GI);
  }
}
