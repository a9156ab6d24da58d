package io.capstan.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The shared rules of optimistic concurrency: If-Match, bounded retries, the 409. */
class VersionsTest {
  @Test
  void ifMatchNamesOneResourceVersionBareOrQuotedAndStarOrNothingExpectsNone() {
    assertThat(Versions.ifMatch("\"3\"")).hasValue(3);
    assertThat(Versions.ifMatch(" 12 ")).hasValue(12);
    assertThat(Versions.ifMatch("\"0\"")).hasValue(0);
    assertThat(Versions.ifMatch("*")).isEmpty();
    assertThat(Versions.ifMatch(null)).isEmpty();
    assertThat(Versions.ifMatch("")).isEmpty();
  }

  @Test
  void anIfMatchThatIsNoResourceVersionIsRefusedNamingTheHeader() {
    for (String bad : new String[] {"W/\"3\"", "abc", "-1", "\"3\", \"4\""}) {
      assertThatThrownBy(() -> Versions.ifMatch(bad))
          .isInstanceOfSatisfying(
              CapstanException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                assertThat(e.field()).isEqualTo("If-Match");
                assertThat(e.getMessage())
                    .isEqualTo(
                        "Expected If-Match to be the resourceVersion you read, such as \"3\","
                            + " but was '"
                            + bad
                            + "'");
              });
    }
  }

  @Test
  void aChangeIsRetriedFromAFreshReadUntilItsCompareAndSetWins() {
    AtomicLong stored = new AtomicLong(7);
    AtomicInteger reads = new AtomicInteger();

    // Another writer wins twice: each read sees a newer version than the last save expected.
    long replaced =
        Versions.change(
            "the quota of project 'vision'",
            OptionalLong.empty(),
            () -> {
              reads.incrementAndGet();
              return stored.get();
            },
            version -> version,
            read -> {
              if (reads.get() < 3) {
                stored.incrementAndGet();
                return false;
              }
              return stored.compareAndSet(read, read + 1);
            });

    assertThat(replaced).isEqualTo(9);
    assertThat(reads).hasValue(3);
    assertThat(stored).hasValue(10);
  }

  @Test
  void aChangeThatKeepsLosingGivesUpWithAConflictNamingTheObject() {
    AtomicInteger attempts = new AtomicInteger();

    assertThatThrownBy(
            () ->
                Versions.retry(
                    "alias 'churn@production' of project 'vision'",
                    () -> {
                      attempts.incrementAndGet();
                      return Optional.empty();
                    }))
        .isInstanceOfSatisfying(
            CapstanException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
              assertThat(e.code().httpStatus()).isEqualTo(409);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "Expected alias 'churn@production' of project 'vision' to stay unchanged"
                          + " between a read and its update, but other writers changed it 5 times"
                          + " in a row; try again");
            });
    assertThat(attempts).hasValue(Versions.ATTEMPTS);
  }

  @Test
  void aClientsExpectationIsCheckedAgainstEachFreshReadSoALostRaceIsAConflict() {
    AtomicLong stored = new AtomicLong(4);

    // The first read matches If-Match 4, another writer saves before us; the second read is 5.
    assertThatThrownBy(
            () ->
                Versions.change(
                    "the quota of project 'vision'",
                    OptionalLong.of(4),
                    stored::get,
                    version -> version,
                    read -> {
                      stored.incrementAndGet();
                      return false;
                    }))
        .isInstanceOfSatisfying(
            CapstanException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
              assertThat(e.field()).isEqualTo("If-Match");
              assertThat(e.getMessage())
                  .startsWith(
                      "Expected the quota of project 'vision' at resourceVersion 4 (If-Match),"
                          + " but it changed concurrently and is at 5;");
            });
    assertThat(stored).hasValue(5);
  }
}
