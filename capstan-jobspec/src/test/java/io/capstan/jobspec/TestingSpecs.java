package io.capstan.jobspec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/** Spec texts and assertions shared by the parser tests. */
final class TestingSpecs {
  private TestingSpecs() {}

  /** A parser whose generated names are repeatable. */
  static JobSpecParser parser() {
    return new JobSpecParser(new SplittableRandom(42));
  }

  /** A spec file under {@code src/test/resources/specs}. */
  static String resource(String name) {
    try (InputStream in = TestingSpecs.class.getResourceAsStream("/specs/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("No test resource specs/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces the one occurrence of {@code from}, failing when there is none or several. */
  static String replaceOnce(String text, String from, String to) {
    int at = text.indexOf(from);
    assertThat(at).as("occurrence of %s", from).isNotNegative();
    assertThat(text.indexOf(from, at + 1)).as("second occurrence of %s", from).isNegative();
    return text.substring(0, at) + to + text.substring(at + from.length());
  }

  /** A Capstan TrainingJob named mnist whose spec is {@code specLines}, indented for you. */
  static String trainingJob(String... specLines) {
    return """
        apiVersion: capstan.io/v1
        kind: TrainingJob
        metadata: {name: mnist}
        spec:
        """
        + Arrays.stream(specLines).map(line -> "  " + line + "\n").collect(Collectors.joining());
  }

  /** Parses {@code text}, expecting an INVALID_SPEC error, and returns it. */
  static CapstanException invalid(String text) {
    AtomicReference<CapstanException> error = new AtomicReference<>();
    assertThatThrownBy(() -> parser().parse(text))
        .isInstanceOfSatisfying(
            CapstanException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SPEC);
              error.set(e);
            });
    return error.get();
  }

  /** Expects an INVALID_SPEC error naming {@code field}, with exactly {@code message}. */
  static void assertInvalid(String text, String field, String message) {
    CapstanException error = invalid(text);
    assertThat(error.field()).isEqualTo(field);
    assertThat(error.getMessage()).isEqualTo(message);
  }
}
