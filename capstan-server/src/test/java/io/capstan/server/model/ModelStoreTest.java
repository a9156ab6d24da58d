package io.capstan.server.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.model.Lineage;
import io.capstan.api.model.ModelSignature;
import io.capstan.api.model.TensorSpec;
import io.capstan.server.artifact.StoredArtifact;
import io.capstan.server.store.TestingDatabase;
import io.capstan.server.store.TestingRace;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

/** The model store on embedded H2 and on a real PostgreSQL. */
class ModelStoreTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final ModelSignature SIGNATURE =
      new ModelSignature(
          List.of(new TensorSpec("input", "float", List.of(-1L, 4L))),
          List.of(new TensorSpec("output", "float", List.of(-1L, 2L))));

  static Stream<TestingDatabase> databases() {
    return TestingDatabase.all();
  }

  private static ModelStore store(TestingDatabase db) {
    db.jdbc()
        .sql("insert into projects (name, created_at) values ('vision', 0), ('nlp', 0)")
        .update();
    return new ModelStore(db.jdbc(), db.transactions(), JsonMapper.builder().build());
  }

  private static ModelVersionRecord draft(String project, String model, String key) {
    return new ModelVersionRecord(
        project,
        model,
        0,
        "first try",
        new StoredArtifact(key, 123, "ab".repeat(32)),
        SIGNATURE,
        Map.of("final_loss", 0.25),
        Map.of("team", "cv"),
        new Lineage("alice", project, "train", "train-1a2b", 2, "model.onnx"),
        T0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void versionsAreNumberedPerModelAndReadBackWhole(TestingDatabase db) {
    ModelStore store = store(db);

    ModelVersionRecord first = store.insertVersion(draft("vision", "churn", "k1"));
    ModelVersionRecord second = store.insertVersion(draft("vision", "churn", "k2"));
    ModelVersionRecord other = store.insertVersion(draft("nlp", "churn", "k3"));

    assertThat(List.of(first.version(), second.version(), other.version()))
        .containsExactly(1, 2, 1);
    assertThat(store.version("vision", "churn", 1)).contains(first);
    assertThat(store.versions("vision", "churn")).containsExactly(second, first);
    assertThat(store.models("vision"))
        .containsExactly(new ModelRecord("vision", "churn", T0, 2, 2));
    assertThat(store.versionFromJob("vision", "churn", "train-1a2b")).contains(first);
    assertThat(store.versionFromJob("vision", "churn", "other")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void concurrentRegistrationsOfOneModelGetDistinctNumbers(TestingDatabase db) throws Exception {
    ModelStore store = store(db);
    int threads = 8;
    int each = 5;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<Integer>>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      results.add(
          pool.submit(
              () -> {
                start.await();
                List<Integer> numbers = new ArrayList<>();
                for (int i = 0; i < each; i++) {
                  numbers.add(
                      store
                          .insertVersion(draft("vision", "churn", "k-" + thread + "-" + i))
                          .version());
                }
                return numbers;
              }));
    }
    start.countDown();
    List<Integer> all = new ArrayList<>();
    for (Future<List<Integer>> result : results) {
      all.addAll(result.get(60, TimeUnit.SECONDS));
    }
    pool.shutdown();

    assertThat(all).hasSize(threads * each).doesNotHaveDuplicates();
    assertThat(all).allMatch(n -> n >= 1 && n <= threads * each);
    assertThat(store.versions("vision", "churn")).hasSize(threads * each);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void assigningAnExistingAliasMovesItAndBumpsItsGeneration(TestingDatabase db) {
    ModelStore store = store(db);
    store.insertVersion(draft("vision", "churn", "k1"));
    store.insertVersion(draft("vision", "churn", "k2"));

    assertThat(store.setAlias("vision", "churn", "production", 1, T0, 0)).isTrue();
    AliasRecord created = store.alias("vision", "churn", "production").orElseThrow();
    assertThat(store.setAlias("vision", "churn", "production", 2, T0.plusSeconds(5), 1)).isTrue();
    AliasRecord moved = store.alias("vision", "churn", "production").orElseThrow();

    assertThat(created.version()).isEqualTo(1);
    assertThat(created.generation()).isEqualTo(1);
    assertThat(moved.version()).isEqualTo(2);
    assertThat(moved.generation()).isEqualTo(2);
    assertThat(moved.updatedAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(store.aliases("vision", "churn")).containsExactly(moved);
    assertThat(store.setAlias("vision", "churn", "canary", 7, T0, 0)).as("no version 7").isFalse();
    assertThat(store.alias("vision", "churn", "canary")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aMoveOverAStaleGenerationIsRefusedAndOneOverTheFreshGenerationWins(TestingDatabase db) {
    ModelStore store = store(db);
    store.insertVersion(draft("vision", "churn", "k1"));
    store.insertVersion(draft("vision", "churn", "k2"));
    store.insertVersion(draft("vision", "churn", "k3"));
    assertThat(store.setAlias("vision", "churn", "production", 1, T0, 0)).isTrue();

    assertThat(store.setAlias("vision", "churn", "production", 3, T0, 0))
        .as("a second creator")
        .isFalse();
    assertThat(store.setAlias("vision", "churn", "production", 2, T0, 1)).isTrue();
    assertThat(store.setAlias("vision", "churn", "production", 3, T0, 1))
        .as("a writer that read generation 1")
        .isFalse();
    assertThat(store.alias("vision", "churn", "production").orElseThrow())
        .extracting(AliasRecord::version, AliasRecord::generation)
        .containsExactly(2, 2L);

    assertThat(store.setAlias("vision", "churn", "production", 3, T0, 2)).isTrue();
    assertThat(store.alias("vision", "churn", "production").orElseThrow())
        .extracting(AliasRecord::version, AliasRecord::generation)
        .containsExactly(3, 3L);
    store.deleteAlias("vision", "churn", "production");
    assertThat(store.setAlias("vision", "churn", "production", 1, T0, 3))
        .as("a writer that read the alias before it was deleted")
        .isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void twoWritersMovingOneAliasConcurrentlyLoseNoMove(TestingDatabase db) throws Exception {
    ModelStore store = store(db);
    int each = 20;
    for (int i = 0; i <= 2 * each; i++) {
      store.insertVersion(draft("vision", "churn", "k" + i));
    }
    assertThat(store.setAlias("vision", "churn", "next", 1, T0, 0)).isTrue();

    // Read-modify-write: each move points the alias one version further than it read.
    TestingRace.run(
        2,
        each,
        () -> {
          AliasRecord current;
          do {
            current = store.alias("vision", "churn", "next").orElseThrow();
          } while (!store.setAlias(
              "vision", "churn", "next", current.version() + 1, T0, current.generation()));
        });

    assertThat(store.alias("vision", "churn", "next").orElseThrow())
        .extracting(AliasRecord::version, AliasRecord::generation)
        .containsExactly(1 + 2 * each, 1L + 2 * each);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void deletingAVersionRemovesItsAliasesAndNumbersAreNotReused(TestingDatabase db) {
    ModelStore store = store(db);
    store.insertVersion(draft("vision", "churn", "k1"));
    store.insertVersion(draft("vision", "churn", "k2"));
    store.setAlias("vision", "churn", "production", 2, T0, 0);
    store.setAlias("vision", "churn", "canary", 1, T0, 0);

    assertThat(store.deleteVersion("vision", "churn", 2)).isPresent();
    assertThat(store.deleteVersion("vision", "churn", 2)).isEmpty();

    assertThat(store.aliases("vision", "churn"))
        .extracting(AliasRecord::alias)
        .containsExactly("canary");
    assertThat(store.model("vision", "churn").orElseThrow().latestVersion()).isEqualTo(1);
    assertThat(store.insertVersion(draft("vision", "churn", "k3")).version()).isEqualTo(3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void deletingAModelRemovesEverythingAndReturnsTheVersions(TestingDatabase db) {
    ModelStore store = store(db);
    store.insertVersion(draft("vision", "churn", "k1"));
    store.setAlias("vision", "churn", "production", 1, T0, 0);

    assertThat(store.deleteModel("vision", "churn"))
        .extracting(v -> v.artifact().key())
        .containsExactly("k1");

    assertThat(store.model("vision", "churn")).isEmpty();
    assertThat(store.models("vision")).isEmpty();
    assertThat(store.insertVersion(draft("vision", "churn", "k2")).version()).isEqualTo(1);
  }
}
