package io.capstan.server.notebook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The proxy removes the notebook's token from bodies, however the writes split it. */
class TokenScrubberTest {
  private static final String TOKEN = "0123456789abcdef0123456789abcdef";

  @Test
  void removesTheTokenWhereJupyterWritesItIntoAPage() throws IOException {
    String page =
        "<body data-jupyter-api-token=\"" + TOKEN + "\"><a href=\"/tree?token=" + TOKEN + "\">";
    assertThat(scrub(page, page.length()))
        .isEqualTo("<body data-jupyter-api-token=\"\"><a href=\"/tree?token=\">");
  }

  @Test
  void removesATokenSplitAcrossWritesOfEverySize() throws IOException {
    String text = "a" + TOKEN + "b" + TOKEN + TOKEN + "c";
    for (int chunk = 1; chunk <= text.length(); chunk++) {
      assertThat(scrub(text, chunk)).as("chunks of " + chunk).isEqualTo("abc");
    }
  }

  @Test
  void passesEverythingElseThroughUnchangedIncludingPartialMatchesAtTheEnd() throws IOException {
    String text = "no secret here, only " + TOKEN.substring(0, 20);
    for (int chunk = 1; chunk <= text.length(); chunk++) {
      assertThat(scrub(text, chunk)).isEqualTo(text);
    }
  }

  @Test
  void refusesAnEmptySecret() {
    assertThatThrownBy(() -> new TokenScrubber(new ByteArrayOutputStream(), ""))
        .hasMessageContaining("empty");
  }

  private static String scrub(String text, int chunk) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TokenScrubber scrubber = new TokenScrubber(out, TOKEN);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int at = 0; at < bytes.length; at += chunk) {
      scrubber.write(bytes, at, Math.min(chunk, bytes.length - at));
    }
    scrubber.finish();
    return out.toString(StandardCharsets.UTF_8);
  }
}
