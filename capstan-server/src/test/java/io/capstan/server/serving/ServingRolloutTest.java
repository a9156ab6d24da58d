package io.capstan.server.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.gateway.GatewayReport;
import io.capstan.api.job.JobPhase;
import io.capstan.api.serving.CanarySpec;
import io.capstan.api.serving.ServiceEvent;
import io.capstan.api.serving.TrafficRequest;
import io.capstan.server.job.JobRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the serving controller does over time when a user or the load changes a service: a canary's
 * traffic steps, its promotion and its rollback, a rollback of the stable version, and a scale-in
 * after the autoscaler's stabilization window that stops a replica only once its requests are
 * answered. The service's route is never empty on the way. Manual clock, in-memory runtime.
 */
class ServingRolloutTest {
  @TempDir Path dataDir;
  private ServingControllerHarness s;

  @BeforeEach
  void setUp() {
    s = new ServingControllerHarness(dataDir);
  }

  @Test
  void aCanaryGetsReplicasForItsTrafficStepAndLeavesEntirelyOnRollback() {
    ServiceRecord churn = s.create("churn", "churn:1", 4, 4, new CanarySpec("churn:2", 20));
    settle(churn);
    assertRoute(20, 1, 4, 1);

    s.api.traffic("ml", "churn", new TrafficRequest(null, 50), "alice");
    settle(churn);
    assertRoute(50, 1, 4, 2);
    List<JobRecord> canaries = replicasOf(churn, 2);
    assertThat(canaries).hasSize(2);

    s.api.rollback("ml", "churn", "alice");
    settle(churn);

    Route route = s.routes.find("ml", "churn");
    assertThat(route.canary()).isEmpty();
    assertThat(route.stable()).extracting(Backend::version).containsOnly(1).hasSize(4);
    canaries.forEach(
        canary -> assertThat(s.h.byUid(canary.uid()).phase()).isEqualTo(JobPhase.CANCELLED));
    assertThat(s.services.events(churn.uid()))
        .extracting(ServiceEvent::reason)
        .containsSubsequence("TrafficChanged", "RolledBack");
  }

  @Test
  void aPromotedCanaryBecomesTheStableVersionWithoutAGap() {
    ServiceRecord churn = s.create("churn", "churn:1", 2, 2, new CanarySpec("churn:2", 20));
    settle(churn);
    assertRoute(20, 1, 2, 1);

    s.api.promote("ml", "churn", "alice");
    settle(churn);

    Route route = s.routes.find("ml", "churn");
    assertThat(route.canary()).isEmpty();
    assertThat(route.stable()).extracting(Backend::version).containsOnly(2).hasSize(2);
    assertThat(s.live(churn)).extracting(ReplicaJobs::version).containsOnly(2).hasSize(2);
    ServiceRecord promoted = s.stored(churn);
    assertThat(promoted.stableVersion()).isEqualTo(2);
    assertThat(promoted.previousVersion()).as("the rollback target").isEqualTo(1);
  }

  @Test
  void aRollbackOfTheStableVersionRollsBackToThePreviousOneWithoutAGap() {
    ServiceRecord churn = s.create("churn", "churn@production", 2, 2, null);
    settle(churn);
    s.registry.put("churn@production", ServingControllerHarness.model(2));
    settle(churn);
    assertRoute(0, 2, 2, 0);

    s.api.rollback("ml", "churn", "alice");
    settle(churn);

    assertRoute(0, 1, 2, 0);
    assertThat(s.stored(churn).spec().model())
        .as("pinned to the version rolled back to")
        .isEqualTo("churn:1");
    assertThat(s.services.events(churn.uid()))
        .extracting(ServiceEvent::reason)
        .containsSubsequence("RolloutStarted", "RolloutFinished", "RolledBack");
  }

  @Test
  void theServiceScalesInOnlyAfterTheWindowAndStopsAReplicaOnlyOnceItsRequestsAreAnswered() {
    ServiceRecord churn = s.create("churn", "churn:1", 1, 3, null);
    settle(churn);
    report(s.live(churn).get(0), 24);
    settle(churn);
    assertThat(s.live(churn)).hasSize(3);

    report(s.live(churn).get(0), 0);
    settle(churn);
    assertThat(s.stored(churn).desiredReplicas())
        .as("within the 5-minute stabilization window: no scale-in")
        .isEqualTo(3);

    s.h.clock.advance(Duration.ofMinutes(5));
    JobRecord newest =
        s.live(churn).stream().max(Comparator.comparing(JobRecord::createdAt)).orElseThrow();
    report(newest, 2);
    s.step();
    assertThat(s.stored(churn).desiredReplicas()).isEqualTo(1);
    assertThat(s.routes.find("ml", "churn").stable())
        .as("the replicas scaled away leave the route at once")
        .hasSize(1);
    assertThat(s.h.byUid(newest.uid()).phase())
        .as("still answering its 2 requests in flight")
        .isEqualTo(JobPhase.RUNNING);

    report(newest, 0);
    s.step();
    s.step();

    assertThat(s.h.byUid(newest.uid()).phase()).isEqualTo(JobPhase.CANCELLED);
    assertThat(s.live(churn)).hasSize(1);
    assertThat(s.services.events(churn.uid()))
        .extracting(ServiceEvent::message)
        .anyMatch(message -> message.startsWith("Scaled from 3 to 1 replicas"));
  }

  /** Steps until nothing changes any more, checking the route is never empty on the way. */
  private void settle(ServiceRecord service) {
    for (int i = 0; i < 12; i++) {
      s.readyAll(service);
      assertThat(s.routes.find("ml", "churn").stable())
          .as("the stable route is never empty")
          .isNotEmpty();
    }
  }

  private void assertRoute(int percent, int stableVersion, int stable, int canary) {
    Route route = s.routes.find("ml", "churn");
    assertThat(route.canaryPercent()).isEqualTo(percent);
    assertThat(route.stable())
        .extracting(Backend::version)
        .containsOnly(stableVersion)
        .hasSize(stable);
    assertThat(route.canary()).hasSize(canary);
  }

  private List<JobRecord> replicasOf(ServiceRecord service, int version) {
    return s.live(service).stream().filter(job -> ReplicaJobs.version(job) == version).toList();
  }

  /** The gateway reports {@code inFlight} requests at {@code replica} and none elsewhere. */
  private void report(JobRecord replica, int inFlight) {
    s.load.report(
        new GatewayReport(
            "v", List.of(new GatewayReport.BackendLoad(replica.uid(), inFlight)), List.of()));
  }
}
