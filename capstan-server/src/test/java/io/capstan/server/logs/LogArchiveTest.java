package io.capstan.server.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.job.Resources;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.testing.InMemoryRuntime;
import io.capstan.server.artifact.LocalArtifactStore;
import io.capstan.server.control.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive copies the runtime's log exactly once, reads it back as one text, and keeps up. */
class LogArchiveTest {
  private static final ReplicaId ID = new ReplicaId("job-1", "worker-0");

  @TempDir Path dataDir;
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

  private final InMemoryRuntime runtime = new InMemoryRuntime();
  private final ManualClock clock = new ManualClock(T0);
  private LogArchive archive;

  @BeforeEach
  void setUp() {
    archive = new LogArchive(dataDir, clock);
  }

  @Test
  void shippingCopiesOnlyWhatIsNewAndSaysWhenTheAttemptIsDone() throws IOException {
    runtime.launch(launch(1));
    runtime.replica(ID).prints("one");

    LogArchive.Shipped first = archive.ship(ID, 1, runtime.logs());
    LogArchive.Shipped nothing = archive.ship(ID, 1, runtime.logs());
    runtime.replica(ID).prints("two").exits(0);
    runtime.observe("job-1");
    LogArchive.Shipped last = archive.ship(ID, 1, runtime.logs());

    assertThat(first.bytes()).isPositive();
    assertThat(first.complete()).isFalse();
    assertThat(nothing).isEqualTo(new LogArchive.Shipped(0, false));
    assertThat(last).isEqualTo(new LogArchive.Shipped(4, true));
    assertThat(read(-1)).startsWith("--- capstan: worker-0 attempt 1").endsWith(" ---\none\ntwo\n");
  }

  @Test
  void anAttemptTheRuntimeNoLongerHasIsComplete() {
    runtime.launch(launch(1));
    runtime.replica(ID).exits(1);
    runtime.observe("job-1");
    runtime.launch(launch(2));

    assertThat(archive.ship(ID, 1, runtime.logs())).isEqualTo(new LogArchive.Shipped(0, true));
  }

  @Test
  void tailCountsLinesAcrossAttempts() throws IOException {
    runtime.launch(launch(1));
    runtime.replica(ID).prints("a1").prints("a2").exits(1);
    runtime.observe("job-1");
    archive.ship(ID, 1, runtime.logs());
    runtime.launch(launch(2));
    runtime.replica(ID).prints("b1");
    archive.ship(ID, 2, runtime.logs());

    assertThat(read(3)).startsWith("a2\n--- capstan: worker-0 attempt 2").endsWith(" ---\nb1\n");
    assertThat(read(1)).isEqualTo("b1\n");
    assertThat(read(0)).isEmpty();
    assertThat(read(100)).startsWith("--- capstan: worker-0 attempt 1");
  }

  @Test
  void aJobOfAnEarlierVersionIsReadFromItsSingleFile() throws IOException {
    Path legacy = dataDir.resolve("logs/vision/job-1/worker-0.log");
    Files.createDirectories(legacy.getParent());
    Files.writeString(legacy, "old line 1\nold line 2\n");
    LogArchive old = new LogArchive(dataDir, clock);

    assertThat(read(old, 1)).isEqualTo("old line 2\n");

    old.deleteJob("vision", "job-1");
    assertThat(legacy).doesNotExist();
  }

  @Test
  void theShipperFollowsLiveReplicasAndARefreshReadsAtOnce() throws IOException {
    runtime.launch(launch(1));
    LiveReplicas live = new RuntimeReplicas(runtime);
    LogShipper shipper = new LogShipper(archive, runtime.logs(), live);
    runtime.replica(ID).prints("hello");

    shipper.refresh(ID);
    assertThat(read(-1)).endsWith("hello\n");

    runtime.replica(ID).prints("again");
    shipper.shipAll();
    assertThat(read(-1)).endsWith("hello\nagain\n");
  }

  @Test
  void followingEndsWithTheRevokedLineOnItsOwnLine() throws IOException {
    runtime.launch(launch(1));
    runtime.replica(ID).prints("partial");
    archive.ship(ID, 1, runtime.logs());
    AtomicInteger asked = new AtomicInteger();
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    ReplicaLog.Ending ending =
        archive
            .replica("vision", "job-1", "worker-0")
            .copy(
                -1,
                LogLines.ALL,
                () -> true,
                () -> asked.incrementAndGet() < 2,
                () -> {},
                "revoked",
                out);

    assertThat(ending).isEqualTo(ReplicaLog.Ending.REVOKED);
    assertThat(out.toString(StandardCharsets.UTF_8)).endsWith("partial\nrevoked\n");
  }

  @Test
  void eachLineHasTheTimeItsChunkWasArchivedAndSinceFiltersByIt() throws IOException {
    runtime.launch(launch(1));
    runtime.replica(ID).prints("first");
    archive.ship(ID, 1, runtime.logs());
    clock.advance(Duration.ofSeconds(5));
    runtime.replica(ID).prints("second");
    archive.ship(ID, 1, runtime.logs());
    clock.advance(Duration.ofMillis(1500));
    runtime.replica(ID).prints("third").exits(0);
    runtime.observe("job-1");
    archive.ship(ID, 1, runtime.logs());

    assertThat(read(-1, new LogLines(null, true)))
        .startsWith("2026-12-06T10:00:00.000Z --- capstan: worker-0 attempt 1")
        .endsWith(
            "\n2026-12-06T10:00:00.000Z first\n2026-12-06T10:00:05.000Z second\n"
                + "2026-12-06T10:00:06.500Z third\n");
    assertThat(read(-1, new LogLines(T0.plusSeconds(5), false))).isEqualTo("second\nthird\n");
    assertThat(read(-1, new LogLines(T0.plusSeconds(6), true)))
        .isEqualTo("2026-12-06T10:00:06.500Z third\n");
    assertThat(read(2, new LogLines(T0.plusSeconds(6), false)))
        .as("tail counts lines before since filters")
        .isEqualTo("third\n");
    assertThat(dataDir.resolve("job-logs/job-1/worker-0/1.times")).hasSize(3 * 16);
  }

  @Test
  void aLogWithoutTimesTakesItsFilesLastModifiedTime() throws IOException {
    Path legacy = dataDir.resolve("logs/vision/job-1/worker-0.log");
    Files.createDirectories(legacy.getParent());
    Files.writeString(legacy, "old line 1\nold line 2");
    Files.setLastModifiedTime(legacy, FileTime.from(T0.minusSeconds(60)));

    assertThat(read(-1, new LogLines(null, true)))
        .isEqualTo("2026-12-06T09:59:00.000Z old line 1\n2026-12-06T09:59:00.000Z old line 2");
    assertThat(read(-1, new LogLines(T0, true))).isEmpty();
  }

  @Test
  void withADurableStoreCompleteAttemptsOutliveTheDiskAndGoWithTheJob(@TempDir Path elsewhere)
      throws IOException {
    LocalArtifactStore store = new LocalArtifactStore(elsewhere.resolve("bucket"));
    archive = new LogArchive(dataDir, clock, ArchivedBytes.NONE, store);
    runtime.launch(launch(1));
    runtime.replica(ID).prints("a1").exits(1);
    runtime.observe("job-1");
    archive.ship(ID, 1, runtime.logs());
    clock.advance(Duration.ofSeconds(3));
    runtime.launch(launch(2));
    runtime.replica(ID).prints("b1");
    archive.ship(ID, 2, runtime.logs());
    String attemptOne =
        read(-1, new LogLines(null, true)).split("(?=\\S+ --- capstan: worker-0 attempt 2)")[0];

    assertThat(store.keysUnder("logs"))
        .as("the complete attempt and its times; the running one stays on this disk")
        .containsExactlyInAnyOrder("logs/job-1/worker-0/1.log", "logs/job-1/worker-0/1.times");
    LogArchive afterTheDiskIsGone =
        new LogArchive(elsewhere.resolve("new-pod"), clock, ArchivedBytes.NONE, store);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    afterTheDiskIsGone
        .replica("vision", "job-1", "worker-0")
        .copy(-1, new LogLines(null, true), () -> false, () -> true, () -> {}, "revoked", out);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(attemptOne)
        .startsWith("2026-12-06T10:00:00.000Z --- capstan: worker-0 attempt 1")
        .endsWith("2026-12-06T10:00:00.000Z a1\n");

    afterTheDiskIsGone.deleteJob("vision", "job-1");

    assertThat(store.keysUnder("logs")).isEmpty();
  }

  @Test
  void theQueryNamesWhatItRefuses() {
    assertThat(LogLines.of(30L, null, true, clock))
        .isEqualTo(new LogLines(T0.minusSeconds(30), true));
    assertThat(LogLines.of(null, "2026-01-02T03:04:05Z", false, clock).since())
        .isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
    assertThat(LogLines.of(null, null, false, clock)).isEqualTo(LogLines.ALL);
    assertThatThrownBy(() -> LogLines.of(1L, "2026-01-02T03:04:05Z", false, clock))
        .isInstanceOfSatisfying(
            CapstanException.class, e -> assertThat(e.field()).isEqualTo("sinceSeconds"));
    assertThatThrownBy(() -> LogLines.of(0L, null, false, clock))
        .hasMessage("Expected sinceSeconds to be at least 1, but was 0");
    assertThatThrownBy(() -> LogLines.of(null, "yesterday", false, clock))
        .isInstanceOfSatisfying(
            CapstanException.class, e -> assertThat(e.field()).isEqualTo("sinceTime"));
  }

  private String read(int tail, LogLines lines) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    archive
        .replica("vision", "job-1", "worker-0")
        .copy(tail, lines, () -> false, () -> true, () -> {}, "revoked", out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private String read(int tail) throws IOException {
    return read(archive, tail);
  }

  private static String read(LogArchive from, int tail) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    from.replica("vision", "job-1", "worker-0")
        .copy(tail, LogLines.ALL, () -> false, () -> true, () -> {}, "revoked", out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static ReplicaLaunch launch(int attempt) {
    return ReplicaLaunch.builder(ID)
        .attempt(attempt)
        .image("capstan/base:1")
        .command(List.of("train"))
        .resources(Resources.NONE)
        .workDir(Path.of("/work"))
        .tenant("vision")
        .build();
  }

  /** Every replica the runtime has, as the job controller would have observed it. */
  private record RuntimeReplicas(InMemoryRuntime runtime) implements LiveReplicas {
    @Override
    public Collection<ReplicaObservation> all() {
      return runtime.observeAll();
    }

    @Override
    public Optional<ReplicaObservation> of(ReplicaId id) {
      return all().stream().filter(o -> o.id().equals(id)).findFirst();
    }
  }
}
