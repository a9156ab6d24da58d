package io.capstan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextTableTest {
  @Test
  void alignsColumnsAndPrintsNullsAsDashes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new TextTable("NAME", "PHASE", "REASON")
        .row("a", "Running", null)
        .row("longer-name", "Queued", "WaitingForGpus")
        .print(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            """
            NAME          PHASE     REASON
            a             Running   -
            longer-name   Queued    WaitingForGpus
            """);
  }

  @Test
  void rejectsRowsOfTheWrongWidth() {
    assertThatThrownBy(() -> new TextTable("A", "B").row("only one"))
        .hasMessage("Expected 2 cells in a row, but got 1");
  }
}
