package io.capstan.server.notebook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where Jupyter listens: loopback on the local runtime, every address in a pod (decision 120). */
class NotebookPropertiesTest {
  @Test
  void theListenAddressDefaultsByRuntimeUnlessSet() {
    NotebookProperties defaults =
        new NotebookProperties(null, null, null, null, null, null, null, null);
    NotebookProperties set =
        new NotebookProperties(null, null, null, null, null, null, "10.0.0.1", null);

    assertThat(defaults.listenAddressOn("local")).isEqualTo("127.0.0.1");
    assertThat(defaults.listenAddressOn("kubernetes")).isEqualTo("0.0.0.0");
    assertThat(set.listenAddressOn("local")).isEqualTo("10.0.0.1");
    assertThat(set.listenAddressOn("kubernetes")).isEqualTo("10.0.0.1");
  }
}
