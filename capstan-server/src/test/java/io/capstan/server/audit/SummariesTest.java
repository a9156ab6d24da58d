package io.capstan.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** What an audit event keeps of a body or a noted value: no secrets, nothing long. */
class SummariesTest {
  private final Summaries summaries = new Summaries(JsonMapper.builder().build());

  record Token(String id, String name, String token) {}

  @Test
  void secretsAreRedactedByTheirFieldNameAtAnyDepth() {
    String summary =
        summaries.of(
            Map.of(
                "created",
                new Token("t-1", "ci", "cap_s3cr3t"),
                "auth",
                Map.of("password", "hunter2", "apiKey", "k-123", "clientSecret", "x")));

    assertThat(summary)
        .doesNotContain("cap_s3cr3t", "hunter2", "k-123", "\"x\"")
        .contains("\"name\":\"ci\"", "\"token\":\"[redacted]\"", "\"password\":\"[redacted]\"");
  }

  @Test
  void aBodyIsKeptOnlyWhenItIsAWholeJsonObject() {
    byte[] body = "{\"user\":\"bob\",\"role\":\"editor\"}".getBytes(StandardCharsets.UTF_8);

    assertThat(summaries.ofBody(body, true)).isEqualTo("{\"user\":\"bob\",\"role\":\"editor\"}");
    assertThat(summaries.nameIn(summaries.ofBody(body, true))).isEqualTo("bob");
    assertThat(summaries.ofBody(body, false)).isNull();
    assertThat(summaries.ofBody("{\"user\":".getBytes(StandardCharsets.UTF_8), true)).isNull();
    assertThat(summaries.ofBody("[1,2]".getBytes(StandardCharsets.UTF_8), true)).isNull();
    assertThat(summaries.ofBody(new byte[0], true)).isNull();
  }

  @Test
  void longStringsArraysAndWholeSummariesAreCut() {
    String summary =
        summaries.of(
            Map.of(
                "description", "d".repeat(500),
                "items", java.util.stream.IntStream.range(0, 30).boxed().toList()));

    assertThat(summary).contains("d".repeat(200) + "...").doesNotContain("d".repeat(201));
    assertThat(summary).contains("\"... 10 more\"").doesNotContain(",20,");

    List<String> many = java.util.Collections.nCopies(20, "x".repeat(199));
    Map<String, Object> huge = new java.util.TreeMap<>();
    for (int i = 0; i < 5; i++) {
      huge.put("k" + i, many);
    }
    assertThat(summaries.of(huge)).startsWith("{\"omitted\":\"a summary of ");
    assertThat(summaries.of("plain")).isEqualTo("{\"value\":\"plain\"}");
  }

  @Test
  void aStoredSummaryParsesBackIntoAMap() {
    assertThat(summaries.parse("{\"phase\":\"Running\",\"n\":2}"))
        .containsEntry("phase", "Running")
        .containsEntry("n", 2);
    assertThat(summaries.parse(null)).isNull();
  }
}
