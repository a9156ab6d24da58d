package io.capstan.server.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.status.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The serving controller's verdict: phase and KServe-style conditions from what a pass saw. */
class ServiceHealthTest {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

  @Test
  void everyWantedReplicaAnsweringTheLatestVersionIsReady() {
    ServiceHealth health = ServiceHealth.judge(pass(2, 2, 2, 0, 0), null, T0);

    assertThat(health.phase()).isEqualTo("Ready");
    assertThat(health.message()).isEmpty();
    assertThat(health.observedGeneration()).isEqualTo(7);
    assertThat(compact(health))
        .containsExactly(
            "Ready=True Ready",
            "PredictorReady=True ReplicasReady",
            "LatestDeploymentReady=True UpToDate",
            "ModelResolved=True Resolved");
  }

  @Test
  void aRolloutServesFromTheOldReplicasWhileTheNewOnesStart() {
    ServiceHealth health = ServiceHealth.judge(pass(2, 1, 0, 2, 2), null, T0);

    assertThat(health.phase()).isEqualTo("Progressing");
    assertThat(compact(health))
        .containsExactly(
            "Ready=False Progressing",
            "PredictorReady=True ReplicasReady",
            "LatestDeploymentReady=False RolloutInProgress",
            "ModelResolved=True Resolved");
    assertThat(health.conditions().get(2).message())
        .isEqualTo(
            "2 replica(s) of the previous version still serve; 0 of 2 replicas of version 3 answer");
  }

  @Test
  void fewerAnsweringThanWantedIsDegradedAndNoneIsPending() {
    assertThat(ServiceHealth.judge(pass(2, 2, 1, 0, 0), null, T0).phase()).isEqualTo("Degraded");
    ServiceHealth pending = ServiceHealth.judge(pass(2, 2, 0, 0, 0), null, T0);
    assertThat(pending.phase()).isEqualTo("Pending");
    assertThat(compact(pending)).contains("PredictorReady=False NoReplicaReady");
  }

  @Test
  void anUnresolvableModelSaysWhyInTheMessageAndModelResolved() {
    ServiceHealth health =
        ServiceHealth.judge(
            ServiceHealth.Pass.unresolved(4, List.of("cannot resolve model 'churn@prod': gone")),
            null,
            T0);

    assertThat(health.phase()).isEqualTo("Pending");
    assertThat(health.message()).isEqualTo("cannot resolve model 'churn@prod': gone");
    assertThat(compact(health))
        .containsExactly(
            "Ready=False Pending",
            "PredictorReady=False NoReplicaReady",
            "LatestDeploymentReady=False ModelNotResolved",
            "ModelResolved=False ResolveFailed");
  }

  @Test
  void aConditionKeepsItsTransitionTimeUntilItsStatusChanges() {
    ServiceHealth starting = ServiceHealth.judge(pass(2, 2, 0, 0, 0), null, T0);
    ServiceHealth half = ServiceHealth.judge(pass(2, 2, 1, 0, 0), starting, T0.plusSeconds(5));
    ServiceHealth ready = ServiceHealth.judge(pass(2, 2, 2, 0, 0), half, T0.plusSeconds(9));

    assertThat(half.conditions().get(1).lastTransitionTime())
        .as("PredictorReady still False, with a new reason")
        .isEqualTo(T0);
    assertThat(half.conditions().get(1).reason()).isEqualTo("ReplicasNotReady");
    assertThat(half.conditions().get(3).lastTransitionTime()).isEqualTo(T0);
    assertThat(ready.conditions().get(0).lastTransitionTime()).isEqualTo(T0.plusSeconds(9));
    assertThat(ready.conditions().get(3).lastTransitionTime()).isEqualTo(T0);
    assertThat(ServiceHealth.judge(pass(2, 2, 2, 0, 0), ready, T0.plusSeconds(20)))
        .as("an unchanged pass yields an equal verdict, which is not written again")
        .isEqualTo(ready);
  }

  @Test
  void aFailedPassIsDegradedAndKeepsWhatTheLastPassObserved() {
    ServiceHealth ready = ServiceHealth.judge(pass(2, 2, 2, 0, 0), null, T0);

    ServiceHealth failed = ServiceHealth.failed(ready, "database is down", T0.plusSeconds(3));

    assertThat(failed.phase()).isEqualTo("Degraded");
    assertThat(failed.message()).isEqualTo("controller error: database is down");
    assertThat(failed.observedGeneration()).isEqualTo(7);
    assertThat(compact(failed))
        .containsExactly(
            "Ready=False ReconcileError",
            "PredictorReady=True ReplicasReady",
            "LatestDeploymentReady=True UpToDate",
            "ModelResolved=True Resolved");
    assertThat(ServiceHealth.failed(null, "boom", T0).observedGeneration()).isNull();
  }

  private static ServiceHealth.Pass pass(
      int wanted, int stable, int readyStable, int replaced, int readyReplaced) {
    return new ServiceHealth.Pass(
        7,
        List.of(),
        List.of(),
        3,
        null,
        wanted,
        stable,
        readyStable,
        replaced,
        readyReplaced,
        0,
        0);
  }

  private static List<String> compact(ServiceHealth health) {
    return health.conditions().stream().map(Condition::compact).toList();
  }
}
