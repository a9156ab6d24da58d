package io.capstan.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.runtime.Endpoint;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.ReplicaPhase;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A replica's pod, in each state the kubelet reports, as the control plane observes it. */
class PodObservationsTest {
  private final Pod built =
      new PodSpecs(KubernetesSettings.defaults()).objects(PodSpecsTest.pytorchWorker()).pod();
  private final ReplicaId id = PodSpecsTest.pytorchWorker().id();

  private ReplicaObservation observe(PodStatus status) {
    return PodObservations.observe(new PodBuilder(built).withStatus(status).build()).orElseThrow();
  }

  @Test
  void aRunningReadyPodHasItsPortsAtThePodIp() {
    ReplicaObservation seen =
        observe(
            new PodStatusBuilder()
                .withPhase("Running")
                .withPodIP("10.1.2.3")
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .withContainerStatuses(
                    new ContainerStatusBuilder()
                        .withName(PodSpecs.CONTAINER)
                        .withNewState()
                        .withNewRunning()
                        .withStartedAt("2026-12-06T10:00:00Z")
                        .endRunning()
                        .endState()
                        .build())
                .build());

    assertThat(seen.id()).isEqualTo(id);
    assertThat(seen.attempt()).isEqualTo(PodSpecsTest.pytorchWorker().attempt());
    assertThat(seen.phase()).isEqualTo(ReplicaPhase.RUNNING);
    assertThat(seen.ready()).isTrue();
    assertThat(seen.startedAt()).isEqualTo(Instant.parse("2026-12-06T10:00:00Z"));
    assertThat(seen.endpoints())
        .isEqualTo(
            Map.of(
                "http", new Endpoint("10.1.2.3", 8080), "c10d", new Endpoint("10.1.2.3", 29400)));
  }

  @Test
  void aRunningPodThatIsNotReadyIsNotReady() {
    ReplicaObservation seen = observe(new PodStatusBuilder().withPhase("Running").build());

    assertThat(seen.phase()).isEqualTo(ReplicaPhase.RUNNING);
    assertThat(seen.ready()).isFalse();
    assertThat(seen.endpoints()).isEmpty();
  }

  @Test
  void anOomKilledContainerFailsWithItsExitCodeAndWhy() {
    ReplicaObservation seen =
        observe(
            new PodStatusBuilder()
                .withPhase("Failed")
                .withContainerStatuses(
                    new ContainerStatusBuilder()
                        .withName(PodSpecs.CONTAINER)
                        .withNewState()
                        .withNewTerminated()
                        .withExitCode(137)
                        .withReason("OOMKilled")
                        .withStartedAt("2026-12-06T10:00:00Z")
                        .withFinishedAt("2026-12-06T10:05:00Z")
                        .endTerminated()
                        .endState()
                        .build())
                .build());

    assertThat(seen.phase()).isEqualTo(ReplicaPhase.FAILED);
    assertThat(seen.exitCode()).isEqualTo(137);
    assertThat(seen.message()).isEqualTo("OOMKilled");
    assertThat(seen.finishedAt()).isEqualTo(Instant.parse("2026-12-06T10:05:00Z"));
  }

  @Test
  void anEvictedPodSaysSoAndAPodThatCannotPullItsImageWaitsSayingWhy() {
    ReplicaObservation evicted =
        observe(
            new PodStatusBuilder()
                .withPhase("Failed")
                .withReason("Evicted")
                .withMessage("The node was low on resource: memory.")
                .build());
    ReplicaObservation pulling =
        observe(
            new PodStatusBuilder()
                .withPhase("Pending")
                .withContainerStatuses(
                    new ContainerStatusBuilder()
                        .withName(PodSpecs.CONTAINER)
                        .withNewState()
                        .withNewWaiting()
                        .withReason("ImagePullBackOff")
                        .withMessage("Back-off pulling image team/train:2")
                        .endWaiting()
                        .endState()
                        .build())
                .build());

    assertThat(evicted.phase()).isEqualTo(ReplicaPhase.FAILED);
    assertThat(evicted.message()).isEqualTo("Evicted: The node was low on resource: memory.");
    assertThat(pulling.phase()).isEqualTo(ReplicaPhase.PENDING);
    assertThat(pulling.message()).startsWith("ImagePullBackOff: Back-off pulling image");
  }

  @Test
  void aPodOfALostNodeIsLostAndAPodWithoutCapstansLabelsIsNoReplica() {
    assertThat(observe(new PodStatusBuilder().withPhase("Unknown").build()).phase())
        .isEqualTo(ReplicaPhase.LOST);
    assertThat(PodObservations.observe(new PodBuilder().withNewMetadata().endMetadata().build()))
        .isEmpty();
  }
}
