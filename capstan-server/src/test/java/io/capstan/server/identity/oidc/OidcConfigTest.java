package io.capstan.server.identity.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.identity.ProjectRole;
import io.capstan.server.identity.oidc.OidcConfig.GroupRole;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The defaults of {@code capstan.oidc.*} and the checks that stop a bad setting at start. */
class OidcConfigTest {
  private static final URI ISSUER = URI.create("https://login.example.com/realms/corp");

  @Test
  void unsetIssuerMeansOffAndNeedsNothingElse() {
    OidcConfig config = config(null, null, null, null);

    assertThat(config.enabled()).isFalse();
  }

  @Test
  void defaults() {
    OidcConfig config = config(ISSUER, "capstan", null, null);

    assertThat(config.enabled()).isTrue();
    assertThat(config.cliClientId()).isEqualTo("capstan");
    assertThat(config.audiences()).containsExactly("capstan");
    assertThat(config.scopes()).containsExactly("openid", "profile", "email", "groups");
    assertThat(config.usernameClaim()).isEqualTo("preferred_username");
    assertThat(config.groupsClaim()).isEqualTo("groups");
    assertThat(config.groupRoles()).isEmpty();
    assertThat(config.adminGroup()).isNull();
    assertThat(config.sessionLifetime()).isEqualTo(Duration.ofHours(12));
    assertThat(config.cliTokenLifetime()).isEqualTo(Duration.ofDays(7));
    assertThat(config.clockSkew()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.redirectUri()).isNull();
  }

  @Test
  void aSeparateCliClientIsAcceptedAsAudienceToo() {
    OidcConfig config = config(ISSUER, "capstan-web", "capstan-cli", null);

    assertThat(config.audiences()).containsExactly("capstan-web", "capstan-cli");
  }

  @Test
  void theSecretNeverShows() {
    OidcConfig config =
        new OidcConfig(
            ISSUER, "capstan", "s3cret", null, null, null, null, null, null, null, null, null,
            null);

    assertThat(config.toString()).doesNotContain("s3cret").contains("clientSecret=***");
  }

  @Test
  void groupRolesParseAndTheGroupMayContainEquals() {
    OidcConfig config =
        config(ISSUER, "capstan", null, List.of("ml-team=speech:editor", "cn=ops,ou=g=ops:Admin"));

    assertThat(config.mappings())
        .containsExactly(
            new GroupRole("ml-team", "speech", ProjectRole.EDITOR),
            new GroupRole("cn=ops,ou=g", "ops", ProjectRole.ADMIN));
  }

  @Test
  void badSettingsAreRefusedNamingTheSetting() {
    assertThatThrownBy(() -> config(URI.create("http://login.example.com"), "c", null, null))
        .hasMessage(
            "Expected capstan.oidc.issuer to be an https:// URL (http:// only on localhost), but"
                + " was 'http://login.example.com'");
    assertThat(config(URI.create("http://localhost:8080/x"), "c", null, null).enabled()).isTrue();
    assertThatThrownBy(() -> config(ISSUER, null, null, null))
        .hasMessage(
            "Expected capstan.oidc.client-id to be the client id registered at the provider, but"
                + " was missing");
    assertThatThrownBy(() -> config(ISSUER, "c", null, List.of("ml-team:speech:editor")))
        .hasMessageContaining("capstan.oidc.group-roles")
        .hasMessageContaining("GROUP=PROJECT:ROLE");
    assertThatThrownBy(() -> config(ISSUER, "c", null, List.of("ml-team=Speech:editor")))
        .hasMessageContaining("a project name")
        .hasMessageEndingWith("but was 'Speech'");
    assertThatThrownBy(() -> config(ISSUER, "c", null, List.of("ml-team=speech:owner")))
        .hasMessageEndingWith("but was 'owner'");
    assertThatThrownBy(
            () ->
                new OidcConfig(
                    ISSUER,
                    "c",
                    null,
                    null,
                    List.of("profile"),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null))
        .hasMessageContaining("capstan.oidc.scopes");
    assertThatThrownBy(
            () ->
                new OidcConfig(
                    ISSUER,
                    "c",
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    Duration.ZERO,
                    null,
                    null,
                    null))
        .hasMessage(
            "Expected capstan.oidc.session-lifetime to be a positive duration, but was PT0S");
  }

  private static OidcConfig config(
      URI issuer, String clientId, String cliClientId, List<String> groupRoles) {
    return new OidcConfig(
        issuer,
        clientId,
        null,
        cliClientId,
        null,
        null,
        null,
        groupRoles,
        null,
        null,
        null,
        null,
        null);
  }
}
