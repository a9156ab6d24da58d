package io.capstan.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How an event names the way its caller authenticated. */
class AuditRecorderTest {
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      nullValues = "-",
      value = {
        "Bearer cap_x,  true,  token",
        "bearer cap_x,  false, token",
        "Basic YTpi,    false, basic",
        "-,             false, none",
        "'  ',          false, none",
        "-,             true,  session",
      })
  void namesTheAuthenticationMethodWithoutTheSecret(
      String header, boolean authenticated, String method) {
    assertThat(AuditRecorder.authMethod(header, authenticated)).isEqualTo(method);
  }
}
