package io.capstan.server.identity.oidc;

import io.capstan.api.identity.ProjectRole;
import io.capstan.server.identity.Names;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Sign-in with the company's OpenID provider ({@code capstan.oidc.*}); off while {@code issuer} is
 * unset. Every setting is checked at start, so a typo stops the server instead of a sign-in.
 *
 * @param issuer the provider's issuer URL (https, or http on a loopback host for tests)
 * @param clientId the client Capstan's browser sign-in uses; ID tokens must name it (or {@code
 *     cliClientId}) as their audience
 * @param clientSecret the browser client's secret, when it is a confidential client
 * @param cliClientId the public client (no secret) of {@code capstan login --oidc}; default {@code
 *     clientId}
 * @param scopes what to ask for; default openid, profile, email, groups
 * @param usernameClaim the claim a new user's name comes from (sanitized); default
 *     preferred_username, else email, else sub
 * @param groupsClaim the claim holding the user's groups (a list of strings); default groups
 * @param groupRoles entries {@code GROUP=PROJECT:ROLE}: members of GROUP get ROLE in PROJECT
 * @param adminGroup members of this group are installation admins; null: sign-in never changes it
 * @param sessionLifetime how long a browser session lasts; default 12 hours
 * @param cliTokenLifetime how long the token of {@code capstan login --oidc} lasts; default 7 days
 * @param redirectUri the browser flow's callback; default {@code <server URL>/auth/callback}
 * @param clockSkew tolerated difference between the provider's clock and ours; default 60 s
 */
@ConfigurationProperties(prefix = "capstan.oidc")
public record OidcConfig(
    URI issuer,
    String clientId,
    String clientSecret,
    String cliClientId,
    List<String> scopes,
    String usernameClaim,
    String groupsClaim,
    List<String> groupRoles,
    String adminGroup,
    Duration sessionLifetime,
    Duration cliTokenLifetime,
    URI redirectUri,
    Duration clockSkew) {
  static final String PREFIX = "capstan.oidc.";

  public OidcConfig {
    clientId = blankToNull(clientId);
    clientSecret = blankToNull(clientSecret);
    cliClientId = blankToNull(cliClientId) == null ? clientId : cliClientId.strip();
    scopes =
        scopes == null || scopes.isEmpty()
            ? List.of("openid", "profile", "email", "groups")
            : List.copyOf(scopes);
    usernameClaim = blankToNull(usernameClaim) == null ? "preferred_username" : usernameClaim;
    groupsClaim = blankToNull(groupsClaim) == null ? "groups" : groupsClaim;
    groupRoles = groupRoles == null ? List.of() : List.copyOf(groupRoles);
    adminGroup = blankToNull(adminGroup);
    sessionLifetime = sessionLifetime == null ? Duration.ofHours(12) : sessionLifetime;
    cliTokenLifetime = cliTokenLifetime == null ? Duration.ofDays(7) : cliTokenLifetime;
    clockSkew = clockSkew == null ? Duration.ofSeconds(60) : clockSkew;
    if (issuer != null) {
      validate(issuer, clientId, scopes, sessionLifetime, cliTokenLifetime, clockSkew);
      groupRoles.forEach(GroupRole::parse);
    }
  }

  /** Whether sign-in through the provider is configured. */
  public boolean enabled() {
    return issuer != null;
  }

  /** {@link #groupRoles} parsed. */
  public List<GroupRole> mappings() {
    return groupRoles.stream().map(GroupRole::parse).toList();
  }

  /** The audiences an ID token may name: the browser's client and the CLI's. */
  public List<String> audiences() {
    return clientId.equals(cliClientId) ? List.of(clientId) : List.of(clientId, cliClientId);
  }

  /** Never shows the client secret. */
  @Override
  public String toString() {
    return "OidcConfig[issuer="
        + issuer
        + ", clientId="
        + clientId
        + ", clientSecret="
        + (clientSecret == null ? "none" : "***")
        + ", cliClientId="
        + cliClientId
        + ", groupRoles="
        + groupRoles
        + ", adminGroup="
        + adminGroup
        + "]";
  }

  private static void validate(
      URI issuer,
      String clientId,
      List<String> scopes,
      Duration sessionLifetime,
      Duration cliTokenLifetime,
      Duration clockSkew) {
    String scheme = issuer.getScheme() == null ? "" : issuer.getScheme().toLowerCase(Locale.ROOT);
    boolean loopback =
        issuer.getHost() != null
            && (issuer.getHost().equals("localhost")
                || issuer.getHost().equals("127.0.0.1")
                || issuer.getHost().equals("[::1]"));
    if (!(scheme.equals("https") || (scheme.equals("http") && loopback))) {
      throw invalid("issuer", "an https:// URL (http:// only on localhost)", "'" + issuer + "'");
    }
    if (issuer.getQuery() != null || issuer.getFragment() != null) {
      throw invalid("issuer", "a URL without query or fragment", "'" + issuer + "'");
    }
    if (clientId == null) {
      throw invalid("client-id", "the client id registered at the provider", "missing");
    }
    if (!scopes.contains("openid")) {
      throw invalid("scopes", "a list that contains 'openid'", scopes.toString());
    }
    requirePositive("session-lifetime", sessionLifetime);
    requirePositive("cli-token-lifetime", cliTokenLifetime);
    if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(10)) > 0) {
      throw invalid("clock-skew", "between 0 and 10 minutes", clockSkew.toString());
    }
  }

  private static void requirePositive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw invalid(name, "a positive duration", value.toString());
    }
  }

  static IllegalArgumentException invalid(String name, String expected, String found) {
    return new IllegalArgumentException(
        "Expected " + PREFIX + name + " to be " + expected + ", but was " + found);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  /** Members of {@code group} get {@code role} in {@code project}. */
  public record GroupRole(String group, String project, ProjectRole role) {
    /** Parses {@code GROUP=PROJECT:ROLE}; the group may itself contain '=' (an LDAP DN). */
    public static GroupRole parse(String entry) {
      int eq = entry == null ? -1 : entry.lastIndexOf('=');
      int colon = eq < 0 ? -1 : entry.indexOf(':', eq);
      if (eq <= 0 || colon < 0) {
        throw invalid(
            "group-roles",
            "entries GROUP=PROJECT:ROLE (such as ml-team=speech:editor)",
            "'" + entry + "'");
      }
      String project = entry.substring(eq + 1, colon).strip();
      String roleName = entry.substring(colon + 1).strip();
      if (!Names.isLabel(project)) {
        throw invalid(
            "group-roles",
            "a project name (a DNS-1123 label) in '" + entry + "'",
            "'" + project + "'");
      }
      ProjectRole role = ProjectRole.fromWire(roleName.toLowerCase(Locale.ROOT));
      if (role == null) {
        throw invalid(
            "group-roles",
            "a role of viewer, editor or admin in '" + entry + "'",
            "'" + roleName + "'");
      }
      return new GroupRole(entry.substring(0, eq).strip(), project, role);
    }
  }
}
