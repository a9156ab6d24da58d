package io.capstan.scheduler.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhillyTraceTest {
  private static PhillyTrace trace;

  @BeforeAll
  static void load() {
    trace = PhillyTrace.load();
  }

  @Test
  void loadsEveryJobAndVirtualCluster() {
    assertThat(trace.jobs()).hasSize(82_247);
    assertThat(trace.virtualClusterNodes()).hasSize(11).containsEntry("6214e9", 64);
    assertThat(trace.virtualClusterNodes().values().stream().mapToInt(Integer::intValue).sum())
        .isEqualTo(352);
    assertThat(trace.jobs()).isSortedAccordingTo((a, b) -> a.submitted().compareTo(b.submitted()));
  }

  @Test
  void parsesTheFirstDataRow() {
    PhillyJob first =
        trace.jobs().stream().filter(job -> job.id().equals("philly-1")).findFirst().orElseThrow();

    assertThat(first)
        .isEqualTo(
            new PhillyJob(
                "philly-1",
                Instant.parse("2017-10-09T07:01:55Z"),
                Duration.ofSeconds(66),
                1,
                "11cb48"));
    assertThat(first.gpuSeconds()).isEqualTo(66.0);
  }

  @Test
  void selectsWindowsBySubmission() {
    Instant from = Instant.parse("2017-10-09T00:00:00Z");
    List<PhillyJob> day = trace.window(from, Duration.ofDays(1));

    assertThat(day).hasSize(1352);
    assertThat(day)
        .allSatisfy(
            job -> assertThat(job.submitted()).isBetween(from, from.plus(Duration.ofDays(1))));
    assertThat(trace.firstAfter(from, 10)).containsExactlyElementsOf(day.subList(0, 10));
    assertThat(trace.firstAfter(Instant.parse("2018-01-01T00:00:00Z"), 10)).isEmpty();
  }

  @Test
  void namesFileLineAndColumnOfAMalformedRow(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("philly_vc.csv"), "vc,node num\nabc,4\n");
    Files.writeString(
        dir.resolve("philly.csv"),
        PhillyTrace.JOBS_HEADER
            + "\n2017-10-09 07:01:55,66.0,1,66.0,abc\n2017-10-09 07:02:00,10.0,two,20.0,abc\n");

    assertThatThrownBy(() -> PhillyTrace.load(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            dir.resolve("philly.csv")
                + " line 3 column 3 (num_gpus): Expected a positive integer, but was 'two'")
        .hasCauseInstanceOf(NumberFormatException.class);
  }

  @Test
  void rejectsAWrongHeaderAndAShortRow(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("philly_vc.csv"), "vc,nodes\nabc,4\n");
    assertThatThrownBy(() -> PhillyTrace.load(dir))
        .hasMessageContaining("philly_vc.csv line 1: Expected the header 'vc,node num'");

    Files.writeString(dir.resolve("philly_vc.csv"), "vc,node num\nabc\n");
    assertThatThrownBy(() -> PhillyTrace.load(dir))
        .hasMessageEndingWith(
            "philly_vc.csv line 2 column 2: Expected 2 columns, but was 1 in 'abc'");
  }

  @Test
  void findsTheDataFolderUpwardOrFromTheProperty(@TempDir Path dir) throws IOException {
    Path data = Files.createDirectories(dir.resolve("shared/data/traces")).getParent();
    Path deep = Files.createDirectories(dir.resolve("main/capstan-scheduler"));

    assertThat(PhillyTrace.findDataDirectory(deep, null)).isEqualTo(data);
    assertThat(PhillyTrace.findDataDirectory(Path.of("/"), data.toString())).isEqualTo(data);
    assertThatThrownBy(() -> PhillyTrace.findDataDirectory(deep, deep.toString()))
        .hasMessageContaining("Expected system property capstan.data to name a folder");
  }
}
