package io.capstan.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The launcher's flags become Spring properties. */
class CapstanServerTest {
  @Test
  void flagsBecomeProperties() {
    assertThat(
            CapstanServer.springArgs(
                new String[] {"--port", "1", "--data-dir=/d", "--trust-all-jobs", "--x.y=z"}))
        .containsExactly(
            "--server.port=1", "--capstan.data-dir=/d", "--capstan.trust-all-jobs=true", "--x.y=z");
  }
}
