package io.capstan.server.identity.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.server.identity.Names;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** User names made from the provider's claims follow Capstan's naming rule. */
class UserNamesTest {
  @Test
  void claimsBecomeLabels() {
    assertThat(UserNames.sanitize("Jane.Doe@Example.com")).isEqualTo("jane-doe");
    assertThat(UserNames.sanitize("  Ünïcode Name ")).isEqualTo("n-code-name");
    assertThat(UserNames.sanitize("--x__y--")).isEqualTo("x-y");
    assertThat(UserNames.sanitize("@@@")).isEqualTo("user");
    assertThat(UserNames.sanitize(null)).isEqualTo("user");
    String longName = UserNames.sanitize("a".repeat(49) + "-" + "b".repeat(20));
    assertThat(longName).isEqualTo("a".repeat(49));
    assertThat(Names.isLabel(longName)).isTrue();
  }

  @Test
  void aTakenNameGetsTheNextFreeSuffixWithinTheLengthLimit() {
    assertThat(UserNames.unique("jane", Set.of()::contains)).isEqualTo("jane");
    assertThat(UserNames.unique("admin", Set.of("admin")::contains)).isEqualTo("admin-2");
    assertThat(UserNames.unique("jo", Set.of("jo", "jo-2", "jo-3")::contains)).isEqualTo("jo-4");
    String base = "x".repeat(Names.MAX_LENGTH);
    String unique = UserNames.unique(base, Set.of(base)::contains);
    assertThat(unique).hasSize(Names.MAX_LENGTH).endsWith("-2");
    assertThat(Names.isLabel(unique)).isTrue();
  }
}
