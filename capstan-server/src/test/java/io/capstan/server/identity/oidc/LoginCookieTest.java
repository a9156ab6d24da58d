package io.capstan.server.identity.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The browser sign-in's cookie reads back what was written, and nothing else. */
class LoginCookieTest {
  @Test
  void roundTripsEvenWithSeparatorsInTheReturnPath() {
    LoginCookie cookie =
        new LoginCookie(
            "state", "nonce", "verifier", Instant.parse("2026-12-06T10:00:00Z"), "/a|b?c=d");

    assertThat(LoginCookie.decode(cookie.encode())).contains(cookie);
    assertThat(cookie.encode()).matches("[A-Za-z0-9_-]+");
    assertThat(cookie.toString()).doesNotContain("verifier", "nonce");
  }

  @Test
  void anythingElseIsNoCookie() {
    assertThat(LoginCookie.decode(null)).isEmpty();
    assertThat(LoginCookie.decode("")).isEmpty();
    assertThat(LoginCookie.decode("not base64 !")).isEmpty();
    assertThat(LoginCookie.decode(encoded("2|s|n|v|1|/"))).isEmpty();
    assertThat(LoginCookie.decode(encoded("1|s|n|v|soon|/"))).isEmpty();
    assertThat(LoginCookie.decode(encoded("1|s|n"))).isEmpty();
    assertThat(LoginCookie.decode("a".repeat(5000))).isEmpty();
  }

  private static String encoded(String plain) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes());
  }
}
