package io.capstan.server.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.dataset.DatasetLineage;
import io.capstan.server.store.TestingDatabase;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Dataset versioning and sharing in the database, on embedded H2 and a real PostgreSQL. */
class DatasetStoreTest {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

  static Stream<TestingDatabase> databases() {
    return TestingDatabase.all();
  }

  private static DatasetStore store(TestingDatabase db) {
    db.jdbc()
        .sql("insert into projects (name, created_at) values ('vision', 0), ('nlp', 0), ('x', 0)")
        .update();
    return new DatasetStore(db.jdbc(), db.transactions());
  }

  private static DatasetVersionRecord stored(DatasetStore store, String project, String name) {
    int number = store.reserveVersion(project, name, "alice", T0);
    DatasetVersionRecord version =
        new DatasetVersionRecord(
            project,
            name,
            number,
            2,
            300,
            "ab".repeat(32),
            null,
            new DatasetLineage(DatasetLineage.S3, "alice", null, null, "s3://raw/corpus"),
            T0);
    store.insertVersion(version);
    return version;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void versionsAreNumberedPerDatasetReadBackWholeAndNeverReused(TestingDatabase db) {
    DatasetStore store = store(db);

    DatasetVersionRecord first = stored(store, "vision", "corpus");
    DatasetVersionRecord second = stored(store, "vision", "corpus");
    DatasetVersionRecord other = stored(store, "nlp", "corpus");

    assertThat(List.of(first.version(), second.version(), other.version()))
        .containsExactly(1, 2, 1);
    assertThat(store.version("vision", "corpus", 1)).contains(first);
    assertThat(store.versions("vision", "corpus")).containsExactly(second, first);

    assertThat(store.deleteVersion("vision", "corpus", 2)).isTrue();
    assertThat(stored(store, "vision", "corpus").version()).isEqualTo(3);
    assertThat(store.find("vision", "corpus").orElseThrow().lastVersion()).isEqualTo(3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aSharedDatasetIsVisibleToTheProjectsItIsSharedWithOnly(TestingDatabase db) {
    DatasetStore store = store(db);
    stored(store, "vision", "imagenet");
    stored(store, "nlp", "words");

    store.share("vision", "imagenet", List.of("nlp"));

    assertThat(store.visibleTo("nlp").stream().map(d -> d.project() + "/" + d.name()))
        .containsExactly("nlp/words", "vision/imagenet");
    assertThat(store.visibleTo("x")).isEmpty();
    assertThat(store.find("vision", "imagenet").orElseThrow().sharedWith()).containsExactly("nlp");

    store.share("vision", "imagenet", List.of());
    assertThat(store.visibleTo("nlp")).extracting(DatasetRecord::name).containsExactly("words");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void deletingADatasetDeletesItsVersionsAndShares(TestingDatabase db) {
    DatasetStore store = store(db);
    stored(store, "vision", "imagenet");
    store.share("vision", "imagenet", List.of("nlp"));

    assertThat(store.delete("vision", "imagenet")).isTrue();

    assertThat(store.find("vision", "imagenet")).isEmpty();
    assertThat(store.versions("vision", "imagenet")).isEmpty();
    assertThat(store.visibleTo("nlp")).isEmpty();
  }
}
