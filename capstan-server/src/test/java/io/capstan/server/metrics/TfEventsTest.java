package io.capstan.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TensorBoard event files read back: scalars of TF1, TF2 and PyTorch, checksums, cut-off ends. */
class TfEventsTest {
  @TempDir Path dir;

  @Test
  void scalarsOfEveryKindAreReadAndOtherSummariesPassedOver() {
    byte[] file =
        new TestingEventFile()
            .version()
            .scalar("loss", 1, 0.5f)
            .tensorScalar("accuracy", 2, 0.75f, true)
            .tensorScalar("lr", 3, 0.25f, false)
            .vector("weights", 3)
            .bytes();

    TfEvents.Parsed parsed = TfEvents.read(file, false);

    assertThat(parsed.scalars())
        .extracting(TfEvents.Scalar::tag, TfEvents.Scalar::step, TfEvents.Scalar::value)
        .containsExactly(
            tuple("loss", 1L, 0.5), tuple("accuracy", 2L, 0.75), tuple("lr", 3L, 0.25));
    assertThat(parsed.scalars().get(0).wallTimeMillis()).isEqualTo(1_700_000_001_250L);
    assertThat(parsed.consumed()).isEqualTo(file.length);
    assertThat(parsed.skipped()).isZero();
    assertThat(parsed.broken()).isFalse();
  }

  @Test
  void aRecordCutOffWaitsForItsRestUnlessTheFileIsFinal() {
    byte[] whole = new TestingEventFile().scalar("loss", 1, 0.5f).scalar("loss", 2, 0.25f).bytes();
    int first = new TestingEventFile().scalar("loss", 1, 0.5f).bytes().length;
    byte[] cut = Arrays.copyOf(whole, whole.length - 3);

    TfEvents.Parsed growing = TfEvents.read(cut, false);
    TfEvents.Parsed last = TfEvents.read(cut, true);

    assertThat(growing.scalars()).hasSize(1);
    assertThat(growing.consumed()).isEqualTo(first);
    assertThat(growing.skipped()).isZero();
    assertThat(last.scalars()).hasSize(1);
    assertThat(last.consumed()).isEqualTo(cut.length);
    assertThat(last.skipped()).isEqualTo(1);
    assertThat(TfEvents.read(Arrays.copyOf(whole, 5), false).consumed()).isZero();
  }

  @Test
  void aDataChecksumThatDoesNotMatchSkipsTheRecordAndABrokenLengthEndsTheFile() {
    byte[] file = new TestingEventFile().scalar("loss", 1, 0.5f).scalar("loss", 2, 0.25f).bytes();
    int first = new TestingEventFile().scalar("loss", 1, 0.5f).bytes().length;
    byte[] badData = file.clone();
    badData[14] ^= 1; // in the first record's data

    TfEvents.Parsed skipped = TfEvents.read(badData, false);

    assertThat(skipped.scalars()).extracting(TfEvents.Scalar::step).containsExactly(2L);
    assertThat(skipped.skipped()).isEqualTo(1);
    assertThat(skipped.broken()).isFalse();

    byte[] badLength = file.clone();
    badLength[first] ^= 1; // the second record's length
    TfEvents.Parsed broken = TfEvents.read(badLength, false);
    assertThat(broken.scalars()).extracting(TfEvents.Scalar::step).containsExactly(1L);
    assertThat(broken.broken()).isTrue();
    assertThat(broken.consumed()).isEqualTo(file.length);
    assertThat(TfEvents.recordSize(Arrays.copyOfRange(badLength, first, first + 12))).isEqualTo(-1);
  }

  @Test
  void aFileThatIsNoEventFileIsBrokenAtOnce() {
    byte[] text = "{\"loss\": 0.5}\n{\"loss\": 0.25}\n".getBytes(StandardCharsets.UTF_8);

    TfEvents.Parsed parsed = TfEvents.read(text, true);

    assertThat(parsed.scalars()).isEmpty();
    assertThat(parsed.broken()).isTrue();
  }

  /**
   * A file written by a TFRecord writer in Python's standard library (Debian's torch has no {@code
   * tensorboard} package, so its {@code SummaryWriter} cannot be imported here): the same framing
   * and protocol buffers as TensorFlow's and PyTorch's writers.
   */
  @Test
  void aFileWrittenByPythonIsRead() throws Exception {
    Path script = dir.resolve("write_events.py");
    Files.writeString(script, PythonEventWriter.SCRIPT);
    Path events = dir.resolve("events.out.tfevents.1700000000.host.1.0");
    Process process =
        new ProcessBuilder("/usr/bin/python3", script.toString(), events.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(output).isZero();

    TfEvents.Parsed parsed = TfEvents.read(Files.readAllBytes(events), true);

    assertThat(parsed.skipped()).isZero();
    assertThat(parsed.scalars())
        .extracting(TfEvents.Scalar::tag, TfEvents.Scalar::step, TfEvents.Scalar::value)
        .containsExactlyElementsOf(
            List.of(
                tuple("train/loss", 0L, 1.0),
                tuple("train/loss", 1L, 0.5),
                tuple("train/loss", 2L, 0.25),
                tuple("accuracy", 2L, 0.875)));
  }
}
