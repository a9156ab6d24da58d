package io.capstan.serving.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class V2HttpHandlerTest {
  @Test
  void pathSegmentsIgnoreRepeatedLeadingAndTrailingSlashes() {
    assertThat(V2HttpHandler.segments("/v2/models/mlp/infer"))
        .containsExactly("v2", "models", "mlp", "infer");
    assertThat(V2HttpHandler.segments("//v2//models/mlp/")).containsExactly("v2", "models", "mlp");
    assertThat(V2HttpHandler.segments("/")).isEmpty();
    assertThat(V2HttpHandler.segments("")).isEmpty();
  }
}
