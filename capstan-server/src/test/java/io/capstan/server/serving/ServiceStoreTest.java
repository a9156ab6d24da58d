package io.capstan.server.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.serving.CanarySpec;
import io.capstan.api.serving.ServiceEvent;
import io.capstan.api.serving.ServiceSpec;
import io.capstan.api.status.Condition;
import io.capstan.api.status.ConditionStatus;
import io.capstan.server.store.TestingDatabase;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

/** Inference services on embedded H2 and on a real PostgreSQL. */
class ServiceStoreTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  static Stream<TestingDatabase> databases() {
    return TestingDatabase.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void servicesRoundTripWithCompareAndSetAndEvents(TestingDatabase db) {
    ServiceStore store = store(db);
    ServiceSpec spec = churn();
    ServiceRecord created =
        new ServiceRecord("churn-1", "vision", spec, 3, null, null, 2, 0, T0, T0, 0);

    assertThat(store.insert(created, new ServiceEvent(T0, "Created", "by alice"))).isTrue();
    assertThat(
            store.insert(
                new ServiceRecord("churn-2", "vision", spec, 3, null, null, 2, 0, T0, T0, 0),
                new ServiceEvent(T0, "Created", "again")))
        .isFalse();

    ServiceRecord stored = store.find("vision", "churn").orElseThrow();
    assertThat(stored).isEqualTo(created);
    ServiceSpec withCanary =
        new ServiceSpec(
            "churn",
            "churn@production",
            2,
            4,
            spec.resources(),
            spec.batching(),
            new CanarySpec("churn:4", 20),
            8);
    ServiceRecord next = stored.withSpec(withCanary, T0.plusSeconds(5)).withVersions(3, 4, null);

    assertThat(
            store.update(
                next, stored, new ServiceEvent(T0.plusSeconds(5), "TrafficChanged", "20%")))
        .isTrue();
    assertThat(store.update(next, stored, null)).as("a stale version loses").isFalse();

    ServiceRecord updated = store.find("vision", "churn").orElseThrow();
    assertThat(updated.canaryVersion()).isEqualTo(4);
    assertThat(updated.canaryPercent()).isEqualTo(20);
    assertThat(updated.generation()).as("the spec changed").isEqualTo(1);
    assertThat(updated.version()).isEqualTo(1);

    ServiceRecord scaled = updated.withDesiredReplicas(3);
    assertThat(store.update(scaled, updated, null)).isTrue();
    ServiceRecord afterScaling = store.find("vision", "churn").orElseThrow();
    assertThat(afterScaling.generation())
        .as("the controller's own writes are no change of the spec")
        .isEqualTo(1);
    assertThat(afterScaling.version()).isEqualTo(2);
    assertThat(store.events(updated.uid()))
        .extracting(ServiceEvent::reason)
        .containsExactly("Created", "TrafficChanged");
    assertThat(store.list("vision")).hasSize(1);

    store.delete(updated.uid());
    assertThat(store.find("vision", "churn")).isEmpty();
    assertThat(store.events(updated.uid())).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void theControllersVerdictIsStoredApartFromTheServiceAndSurvivesItsChanges(TestingDatabase db) {
    ServiceStore store = store(db);
    ServiceRecord created =
        new ServiceRecord("churn-1", "vision", churn(), 3, null, null, 2, 0, T0, T0, 0);
    store.insert(created, new ServiceEvent(T0, "Created", "by alice"));
    assertThat(store.health("churn-1")).as("before the controller's first pass").isEmpty();
    ServiceHealth health =
        new ServiceHealth(
            "Degraded",
            "churn-v3-ab is waiting: " + "x".repeat(5000),
            List.of(
                new Condition(
                    "Ready", ConditionStatus.FALSE, "Degraded", "1 of 2 answer", T0.plusSeconds(1)),
                new Condition(
                    "PredictorReady",
                    ConditionStatus.FALSE,
                    "ReplicasNotReady",
                    null,
                    T0.plusSeconds(2))),
            0L);

    store.writeHealth("churn-1", health);

    ServiceHealth stored = store.health("churn-1").orElseThrow();
    assertThat(stored.conditions()).isEqualTo(health.conditions());
    assertThat(stored.observedGeneration()).isZero();
    assertThat(stored.message()).hasSize(4000).startsWith("churn-v3-ab is waiting: ");
    ServiceRecord unchanged = store.find("vision", "churn").orElseThrow();
    assertThat(unchanged).as("status is not a change of the service").isEqualTo(created);
    assertThat(store.update(unchanged.withDesiredReplicas(3), unchanged, null)).isTrue();
    assertThat(store.health("churn-1").orElseThrow())
        .as("a change of the service keeps the status")
        .isEqualTo(stored);
  }

  private static ServiceStore store(TestingDatabase db) {
    db.jdbc().sql("insert into projects (name, created_at) values ('vision', 0)").update();
    return new ServiceStore(db.jdbc(), db.transactions(), JsonMapper.builder().build());
  }

  private static ServiceSpec churn() {
    return ServiceSpecs.complete(
        new ServiceSpec("churn", "churn@production", 2, 4, null, null, null, null));
  }
}
