package io.capstan.server.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.experiment.ExperimentPhase;
import io.capstan.api.experiment.TrialPhase;
import io.capstan.server.control.ManualClock;
import io.capstan.server.store.TestingDatabase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

/** The experiment store (V20) on H2 and a real PostgreSQL. */
class ExperimentStoreTest {
  static Stream<TestingDatabase> databases() {
    return TestingDatabase.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void storesExperimentsTrialsAndPhaseChangesAndNamesWhatToReconcile(TestingDatabase db) {
    ManualClock clock = new ManualClock(Instant.parse("2026-12-07T00:00:00Z"));
    db.jdbc().sql("insert into projects (name, created_at) values ('vision', 0)").update();
    ExperimentStore store =
        new ExperimentStore(db.jdbc(), db.transactions(), JsonMapper.builder().build(), clock);
    ExperimentRecord created =
        new ExperimentRecord(
            "tune-1",
            "vision",
            "tune",
            "kind: Experiment",
            42,
            ExperimentPhase.CREATED,
            "ExperimentCreated",
            null,
            false,
            clock.instant(),
            "alice",
            null,
            null,
            null,
            1);
    assertThat(store.insert(created)).isTrue();
    assertThat(store.insert(created)).isFalse();

    TrialRecord trial =
        TrialRecord.pending("tune-1", 0, "tune-abc", Map.of("lr", "0.01"), clock.instant());
    assertThat(store.insertTrial(trial)).isTrue();
    assertThat(store.insertTrial(trial)).isFalse();
    TrialRecord done =
        trial.finished(
            TrialPhase.SUCCEEDED,
            0.25,
            Map.of("loss", 0.25),
            List.of(0.5, 0.25),
            null,
            clock.instant());
    store.updateTrial(done);
    assertThat(store.trials("tune-1")).containsExactly(done);

    ExperimentRecord stored = store.findByUid("tune-1").orElseThrow();
    ExperimentRecord finished =
        stored.transition(
            ExperimentPhase.SUCCEEDED, "MaxTrialsReached", "1 trial", clock.instant());
    assertThat(store.uidsToReconcile()).containsExactly("tune-1");
    assertThat(store.update(stored, finished)).isTrue();
    assertThat(store.update(stored, finished)).as("a stale version").isFalse();
    assertThat(store.uidsToReconcile()).isEmpty();
    assertThat(store.find("vision", "tune").orElseThrow().finishedAt()).isEqualTo(clock.instant());
    assertThat(store.events("tune-1"))
        .extracting(ExperimentStore.Event::reason)
        .containsExactly("ExperimentCreated", "MaxTrialsReached");

    store.delete("tune-1");
    assertThat(store.trials("tune-1")).isEmpty();
    assertThat(store.list("vision")).isEmpty();
  }
}
