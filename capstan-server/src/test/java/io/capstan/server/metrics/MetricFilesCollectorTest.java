package io.capstan.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.capstan.api.job.TrainerStatus;
import io.capstan.runtime.MetricFiles;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.ReplicaPhase;
import io.capstan.server.job.CollectorFolder;
import io.capstan.server.logs.LiveReplicas;
import io.capstan.server.store.TestingDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Metric files read through the runtime, on H2 and on PostgreSQL. */
class MetricFilesCollectorTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-07T01:00:00Z"), ZoneOffset.UTC);
  private static final ReplicaId WORKER = new ReplicaId("job-1", "worker-0");
  private static final String EVENTS = "tensorboard/events.out.tfevents.1700000000.host.1.0";

  private final TestingMetricFiles files = new TestingMetricFiles();
  private ReplicaPhase phase = ReplicaPhase.RUNNING;
  private CollectorFolder katib;

  static Stream<TestingDatabase> databases() {
    return TestingDatabase.all();
  }

  /** The one replica, in {@link #phase}. */
  private final LiveReplicas live =
      new LiveReplicas() {
        @Override
        public Collection<ReplicaObservation> all() {
          return List.of(observation());
        }

        @Override
        public Optional<ReplicaObservation> of(ReplicaId id) {
          return Optional.of(observation());
        }
      };

  private ReplicaObservation observation() {
    return new ReplicaObservation(WORKER, 1, phase, null, null, null, null);
  }

  private MetricFilesCollector collector(TestingDatabase db) {
    return new MetricFilesCollector(
        files,
        live,
        new MetricsStore(db.jdbc(), db.transactions()),
        new ProgressStore(db.jdbc()),
        new MetricFileOffsets(db.jdbc()),
        db.transactions(),
        CLOCK,
        uid -> Optional.ofNullable(katib));
  }

  private void write(String text) {
    files.append(WORKER, MetricFiles.METRICS_FILE, text.getBytes(StandardCharsets.UTF_8));
  }

  private static List<MetricsStore.Point> points(TestingDatabase db, String name) {
    return new MetricsStore(db.jdbc(), db.transactions()).points("job-1", name, "worker-0");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void jsonLinesAreReadAsTheyGrowAndARestartedControlPlaneReadsOnWithoutRepeats(
      TestingDatabase db) {
    job(db);
    MetricFilesCollector collector = collector(db);
    write("{\"step\": 1, \"loss\": 0.5, \"timestamp\": 1700000000}\n{\"step\": 2, \"lo");
    collector.collectAll();
    assertThat(points(db, "loss")).extracting(MetricsStore.Point::step).containsExactly(1L);
    assertThat(points(db, "loss").get(0).at()).isEqualTo(Instant.ofEpochSecond(1_700_000_000));

    write("ss\": 0.25}\nnot json\n{\"progress\": {\"percent\": 40.5, \"eta_seconds\": 90}}\n");
    MetricFilesCollector restarted = collector(db);
    restarted.collectAll();
    restarted.collectAll();

    assertThat(points(db, "loss"))
        .extracting(MetricsStore.Point::step, MetricsStore.Point::value)
        .containsExactly(tuple(1L, 0.5), tuple(2L, 0.25));
    assertThat(points(db, "loss").get(1).at()).isEqualTo(CLOCK.instant());
    assertThat(new MetricFileOffsets(db.jdbc()).skipped("job-1")).isEqualTo(1);
    assertThat(new ProgressStore(db.jdbc()).of("job-1"))
        .contains(new TrainerStatus(40, 90L, "worker-0", CLOCK.instant()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aKatibFileCollectorsFileIsReadByItsFormatAndFiltersAndNothingElseOfItsFolder(
      TestingDatabase db) {
    job(db);
    katib =
        new CollectorFolder(
            CollectorFolder.FILE,
            "/var/log/katib/metrics.log",
            "TEXT",
            List.of("(\\w+):\\s*([0-9.]+)"));
    files.append(
        WORKER,
        "collector/metrics.log",
        "epoch: 1 accuracy: 0.5\nepoch: 2 accuracy: 0.75\n".getBytes(StandardCharsets.UTF_8));
    files.append(
        WORKER, "collector/other.log", "accuracy: 0.99\n".getBytes(StandardCharsets.UTF_8));

    collector(db).collectAll();

    assertThat(points(db, "accuracy"))
        .extracting(MetricsStore.Point::step, MetricsStore.Point::value)
        .containsExactly(tuple(1L, 0.5), tuple(2L, 0.75));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aKatibFileCollectorInJsonReadsJsonLines(TestingDatabase db) {
    job(db);
    katib = new CollectorFolder(CollectorFolder.FILE, "/tmp/out/m.json", "JSON", List.of());
    files.append(
        WORKER,
        "collector/m.json",
        "{\"loss\": \"0.25\", \"timestamp\": 1700000000}\n".getBytes(StandardCharsets.UTF_8));

    collector(db).collectAll();

    assertThat(points(db, "loss")).extracting(MetricsStore.Point::value).containsExactly(0.25);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void theLastLineOfAFinishedReplicaIsReadWithoutItsNewlineBeforeTheRelease(TestingDatabase db) {
    job(db);
    MetricFilesCollector collector = collector(db);
    write("{\"accuracy\": 0.5}\n{\"accuracy\": 0.75}");
    collector.collectAll();
    phase = ReplicaPhase.SUCCEEDED;

    collector.draining(List.of(observation()));

    assertThat(points(db, "accuracy"))
        .extracting(MetricsStore.Point::step, MetricsStore.Point::value)
        .containsExactly(tuple(0L, 0.5), tuple(1L, 0.75));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aFileWrittenAnewIsReadFromItsStart(TestingDatabase db) {
    job(db);
    MetricFilesCollector collector = collector(db);
    write("{\"step\": 1, \"loss\": 0.5}\n{\"step\": 2, \"loss\": 0.4}\n");
    collector.collectAll();

    files.replace(
        WORKER,
        MetricFiles.METRICS_FILE,
        "{\"step\": 1, \"loss\": 0.3}\n".getBytes(StandardCharsets.UTF_8));
    collector.collectAll();

    assertThat(points(db, "loss")).extracting(MetricsStore.Point::value).contains(0.3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void eventFilesGiveTheirScalarsPassOverBigRecordsAndStopWhereTheyBreak(TestingDatabase db) {
    job(db);
    MetricFilesCollector collector = collector(db);
    files.append(
        WORKER,
        EVENTS,
        new TestingEventFile()
            .version()
            .scalar("loss", 1, 0.5f)
            .big(MetricFilesCollector.CHUNK + 10)
            .tensorScalar("loss", 2, 0.25f, true)
            .bytes());
    for (int pass = 0; pass < 4; pass++) {
      collector.collectAll();
    }
    assertThat(points(db, "loss"))
        .extracting(MetricsStore.Point::step, MetricsStore.Point::value)
        .containsExactly(tuple(1L, 0.5), tuple(2L, 0.25));
    assertThat(points(db, "loss").get(0).at()).isEqualTo(Instant.ofEpochMilli(1_700_000_001_250L));

    files.append(WORKER, EVENTS, "garbage that is no record".getBytes(StandardCharsets.UTF_8));
    files.append(WORKER, EVENTS, new TestingEventFile().scalar("loss", 3, 0.1f).bytes());
    collector.collectAll();
    collector.collectAll();

    assertThat(points(db, "loss")).hasSize(2);
    assertThat(new MetricFileOffsets(db.jdbc()).skipped("job-1")).isEqualTo(1);
  }

  private static void job(TestingDatabase db) {
    MetricsStoreTest.job(db, "job-1");
  }
}
