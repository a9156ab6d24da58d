package io.capstan.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.ReplicaPhase;
import io.capstan.server.store.TestingDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Metrics read from a replica's output and kept, on H2 and on PostgreSQL. */
class MetricsStoreTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-07T01:00:00Z"), ZoneOffset.UTC);

  static Stream<TestingDatabase> databases() {
    return TestingDatabase.all();
  }

  /** A job {@code uid} (of a user and a project) for metrics to belong to. */
  static void job(TestingDatabase db, String uid) {
    db.jdbc().sql("insert into users (name, admin, created_at) values ('u', false, 0)").update();
    db.jdbc()
        .sql("insert into projects (name, description, created_at) values ('p', '', 0)")
        .update();
    db.jdbc()
        .sql(
            "insert into jobs (uid, project, name, spec_json, phase, created_at) values"
                + " (?, 'p', 'train', '{}', 'RUNNING', 0)")
        .param(uid)
        .update();
  }

  private static void print(MetricsCollector collector, String replica, String text) {
    collector.archived(new ReplicaId("job-1", replica), 1, text.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void linesSplitAcrossChunksAreReadWholeAndStepsCountOnWithoutOne(TestingDatabase db) {
    job(db, "job-1");
    MetricsStore store = new MetricsStore(db.jdbc(), db.transactions(), 3, 10);
    MetricsCollector collector = new MetricsCollector(store, CLOCK);

    print(collector, "worker-0", "starting\nloss=0.9\nlo");
    print(collector, "worker-0", "ss=0.5\nloss=0.25 accuracy=0.5 epoch=7\n");
    print(collector, "worker-1", "loss=0.8\n");

    assertThat(store.last("job-1"))
        .extracting(
            MetricsStore.Last::name,
            MetricsStore.Last::replica,
            MetricsStore.Last::step,
            MetricsStore.Last::value,
            MetricsStore.Last::points)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("accuracy", "worker-0", 7L, 0.5, 1L),
            org.assertj.core.groups.Tuple.tuple("loss", "worker-0", 7L, 0.25, 3L),
            org.assertj.core.groups.Tuple.tuple("loss", "worker-1", 0L, 0.8, 1L));
    assertThat(store.points("job-1", "loss", "worker-0"))
        .extracting(MetricsStore.Point::step, MetricsStore.Point::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0L, 0.9),
            org.assertj.core.groups.Tuple.tuple(1L, 0.5),
            org.assertj.core.groups.Tuple.tuple(7L, 0.25));
    assertThat(store.points("job-1", "loss", null)).hasSize(4);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aSeriesPastItsCapKeepsItsFirstPointsAndItsLatestValue(TestingDatabase db) {
    job(db, "job-1");
    MetricsStore store = new MetricsStore(db.jdbc(), db.transactions(), 3, 2);
    MetricsCollector collector = new MetricsCollector(store, CLOCK);

    print(collector, "worker-0", "loss=5\nloss=4\nloss=3\nloss=2\nloss=1\nacc=1\nthird=1\n");

    MetricsStore.Last loss = store.last("job-1").get(1);
    assertThat(loss.name()).isEqualTo("loss");
    assertThat(loss.value()).isEqualTo(1.0);
    assertThat(loss.points()).isEqualTo(5);
    assertThat(store.truncated(loss.points())).isTrue();
    assertThat(store.points("job-1", "loss", "worker-0"))
        .extracting(MetricsStore.Point::value)
        .containsExactly(5.0, 4.0, 3.0);
    assertThat(store.last("job-1"))
        .as("a job keeps at most two series here")
        .extracting(MetricsStore.Last::name)
        .containsExactly("acc", "loss");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void valuesOfAJobThatIsGoneAreDroppedQuietly(TestingDatabase db) {
    MetricsStore store = new MetricsStore(db.jdbc(), db.transactions());
    MetricsCollector collector = new MetricsCollector(store, CLOCK);

    print(collector, "worker-0", "loss=1\n");

    assertThat(store.last("job-1")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void printedProgressIsTheJobsProgressNotAMetric(TestingDatabase db) {
    job(db, "job-1");
    MetricsStore store = new MetricsStore(db.jdbc(), db.transactions());
    ProgressStore progress = new ProgressStore(db.jdbc());
    MetricsCollector collector = new MetricsCollector(store, progress, CLOCK);

    print(collector, "worker-0", "capstan_progress_percent=12.5 capstan_eta_seconds=30 loss=1\n");
    print(collector, "worker-1", "capstan_progress_percent=25\n");

    assertThat(store.last("job-1")).extracting(MetricsStore.Last::name).containsExactly("loss");
    assertThat(progress.of("job-1"))
        .contains(new io.capstan.api.job.TrainerStatus(25, null, "worker-1", CLOCK.instant()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void retentionDeletesTheFinishedJobsPointsAndKeepsTheirLatestValues(TestingDatabase db) {
    job(db, "job-1");
    db.jdbc()
        .sql(
            "insert into jobs (uid, project, name, spec_json, phase, created_at) values"
                + " ('job-2', 'p', 'other', '{}', 'RUNNING', 0)")
        .update();
    MetricsStore store = new MetricsStore(db.jdbc(), db.transactions());
    MetricsCollector collector = new MetricsCollector(store, CLOCK);
    print(collector, "worker-0", "loss=0.9\nloss=0.5\n");
    collector.archived(
        new ReplicaId("job-2", "worker-0"), 1, "loss=0.7\n".getBytes(StandardCharsets.UTF_8));
    db.jdbc()
        .sql("update jobs set phase = 'SUCCEEDED', finished_at = 1000 where uid = 'job-1'")
        .update();

    int deleted = store.deletePointsOfJobsFinishedBefore(Instant.ofEpochMilli(2000));

    assertThat(deleted).isEqualTo(2);
    assertThat(store.points("job-1", "loss", "worker-0")).isEmpty();
    assertThat(store.last("job-1")).extracting(MetricsStore.Last::value).containsExactly(0.5);
    assertThat(store.points("job-2", "loss", "worker-0")).hasSize(1);
    assertThat(store.deletePointsOfJobsFinishedBefore(Instant.ofEpochMilli(2000))).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aLastLineWithoutItsNewlineIsReadWhenTheReplicaIsDrained(TestingDatabase db) {
    job(db, "job-1");
    MetricsStore store = new MetricsStore(db.jdbc(), db.transactions());
    MetricsCollector collector = new MetricsCollector(store, CLOCK);
    print(collector, "worker-0", "loss=0.9\naccuracy=0.");
    print(collector, "worker-0", "75");
    assertThat(store.last("job-1")).extracting(MetricsStore.Last::name).containsExactly("loss");

    collector.flush(
        List.of(
            new ReplicaObservation(
                new ReplicaId("job-1", "worker-0"),
                1,
                ReplicaPhase.SUCCEEDED,
                0,
                null,
                null,
                null)));

    assertThat(store.last("job-1"))
        .extracting(MetricsStore.Last::name, MetricsStore.Last::value)
        .containsExactlyInAnyOrder(tuple("loss", 0.9), tuple("accuracy", 0.75));
    collector.flush(List.of());
  }
}
