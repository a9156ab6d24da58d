package io.capstan.server.identity.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.identity.ProjectRole;
import io.capstan.server.identity.oidc.OidcConfig.GroupRole;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The roles a user's groups give: the highest per project. */
class GroupMappingTest {
  private final GroupMapping mapping =
      new GroupMapping(
          List.of(
              GroupRole.parse("ml-team=speech:editor"),
              GroupRole.parse("ml-leads=speech:admin"),
              GroupRole.parse("ml-team=vision:viewer")),
          "capstan-admins");

  @Test
  void theHighestRoleOfAnyGroupWins() {
    assertThat(mapping.roles(List.of("ml-team", "ml-leads", "unmapped")))
        .isEqualTo(Map.of("speech", ProjectRole.ADMIN, "vision", ProjectRole.VIEWER));
    assertThat(mapping.roles(List.of("ml-team")))
        .isEqualTo(Map.of("speech", ProjectRole.EDITOR, "vision", ProjectRole.VIEWER));
    assertThat(mapping.roles(List.of())).isEmpty();
  }

  @Test
  void theAdminGroupDecidesInstallationAdminOnlyWhenConfigured() {
    assertThat(mapping.admin(List.of("capstan-admins"))).contains(true);
    assertThat(mapping.admin(List.of("ml-team"))).contains(false);
    assertThat(new GroupMapping(List.of(), null).admin(List.of("capstan-admins"))).isEmpty();
  }
}
