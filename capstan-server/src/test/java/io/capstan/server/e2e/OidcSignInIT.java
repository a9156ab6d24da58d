package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.server.CapstanServer;
import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sign-in with a real OpenID provider (mock-oauth2-server, started in the test on a random port):
 * the browser's authorization code flow with PKCE through redirects and cookies, {@code capstan
 * login --oidc} with its loopback redirect, users made on first sign-in, group roles that follow
 * the groups, and ID tokens of another issuer or audience, expired or badly signed, refused.
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OidcSignInIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-oidc-it");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String ISSUER_ID = "company";
  private static final String WEB_CLIENT = "capstan-web";
  private static final String CLI_CLIENT = "capstan-cli";
  private static final MockOAuth2Server PROVIDER = startedProvider();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("capstan.data-dir", DATA::toString);
    registry.add("capstan.oidc.issuer", () -> PROVIDER.issuerUrl(ISSUER_ID).toString());
    registry.add("capstan.oidc.client-id", () -> WEB_CLIENT);
    registry.add("capstan.oidc.client-secret", () -> "web-secret");
    registry.add("capstan.oidc.cli-client-id", () -> CLI_CLIENT);
    registry.add("capstan.oidc.group-roles[0]", () -> "ml-team=speech:editor");
    registry.add("capstan.oidc.group-roles[1]", () -> "ml-leads=speech:admin");
    registry.add("capstan.oidc.group-roles[2]", () -> "cn=vision,ou=groups=vision:viewer");
    registry.add("capstan.oidc.group-roles[3]", () -> "ml-team=missing-project:viewer");
    registry.add("capstan.oidc.admin-group", () -> "capstan-admins");
  }

  @Value("${local.server.port}")
  int port;

  private String url;
  private TestingHttp http;
  private String admin;

  private static MockOAuth2Server startedProvider() {
    MockOAuth2Server server = new MockOAuth2Server();
    server.start();
    return server;
  }

  @AfterAll
  static void stopProvider() {
    PROVIDER.shutdown();
  }

  @BeforeEach
  void setUp() {
    url = "http://127.0.0.1:" + port;
    http = new TestingHttp(url);
    admin = ServerFixture.adminToken(DATA);
    for (String project : List.of("speech", "vision")) {
      int status =
          http.post(admin, "/api/v1/projects", "application/json", "{\"name\":\"" + project + "\"}")
              .status();
      assertThat(status).isIn(201, 409);
    }
  }

  @Test
  void browserSignInCreatesTheUserGivesGroupRolesAndStartsACookieSession() throws Exception {
    signsInNext("browser-subject-1", "Jane.Doe@Example.com", List.of("ml-team", "other"));
    CookieManager cookies = new CookieManager();
    HttpClient browser =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    // /auth/login -> the provider's /authorize -> /auth/callback -> /api/v1/whoami
    HttpResponse<String> landed = get(browser, url + "/auth/login");

    assertThat(landed.statusCode()).as(landed.body()).isEqualTo(200);
    assertThat(landed.uri().getPath()).isEqualTo("/api/v1/whoami");
    JsonNode me = JSON.readTree(landed.body());
    assertThat(me.get("user").asString()).isEqualTo("jane-doe");
    assertThat(me.get("admin").asBoolean()).isFalse();
    assertThat(me.get("projects").toString())
        .contains("\"speech\"", "\"editor\"")
        .doesNotContain("vision", "missing-project");
    HttpCookie session = cookie(cookies, "capstan_session");
    assertThat(session.isHttpOnly()).isTrue();
    assertThat(session.getValue()).startsWith("capsess_");
    String csrf = cookie(cookies, "capstan_csrf").getValue();

    HttpResponse<String> forged =
        send(browser, post(url + "/api/v1/projects", "{\"name\":\"forged\"}").build());
    assertThat(forged.statusCode()).as("a cookie alone may not change anything").isEqualTo(403);
    assertThat(forged.body()).contains("X-Capstan-CSRF");
    HttpResponse<String> created =
        send(
            browser,
            post(url + "/api/v1/projects", "{\"name\":\"janes\"}")
                .header("X-Capstan-CSRF", csrf)
                .build());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

    HttpResponse<String> loggedOut =
        send(browser, post(url + "/auth/logout", "").header("X-Capstan-CSRF", csrf).build());
    assertThat(loggedOut.statusCode()).isEqualTo(204);
    assertThat(http.get(session.getValue(), "/api/v1/whoami").status())
        .as("the session ended on the server, not only in the browser")
        .isEqualTo(401);
    HttpResponse<String> apiTokenAsCookie =
        send(
            HttpClient.newHttpClient(),
            HttpRequest.newBuilder(URI.create(url + "/api/v1/whoami"))
                .header("Cookie", "capstan_session=" + admin)
                .build());
    assertThat(apiTokenAsCookie.statusCode())
        .as("the cookie holds sign-in sessions only")
        .isEqualTo(401);
  }

  @Test
  void theCallbackIsRefusedInAnotherBrowser() throws Exception {
    signsInNext("browser-subject-2", "mallory", List.of());
    HttpClient attacker = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    HttpResponse<String> toProvider = get(attacker, url + "/auth/login");
    assertThat(toProvider.statusCode()).isEqualTo(302);
    String authorize = toProvider.headers().firstValue("Location").orElseThrow();
    assertThat(authorize)
        .startsWith(PROVIDER.authorizationEndpointUrl(ISSUER_ID).toString())
        .contains("client_id=" + WEB_CLIENT, "code_challenge_method=S256", "state=", "nonce=")
        .contains(
            "redirect_uri=" + URLEncoder.encode(url + "/auth/callback", StandardCharsets.UTF_8));
    HttpResponse<String> toCallback = get(attacker, authorize);
    assertThat(toCallback.statusCode()).isEqualTo(302);
    String callback = toCallback.headers().firstValue("Location").orElseThrow();

    // The attacker's callback URL, opened in the victim's browser: one that never started a
    // sign-in, and one that started its own.
    HttpResponse<String> fresh = get(HttpClient.newHttpClient(), callback);
    HttpClient victim = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    assertThat(get(victim, url + "/auth/login").statusCode()).isEqualTo(302);
    HttpResponse<String> started = get(victim, callback);

    assertThat(fresh.statusCode()).isEqualTo(401);
    assertThat(fresh.body()).contains("browser that started the sign-in");
    assertThat(started.statusCode()).isEqualTo(401);
    assertThat(started.body()).contains("Expected the state of the sign-in this browser started");
    assertThat(http.get(admin, "/api/v1/users").body()).doesNotContain("mallory");
  }

  @Test
  void cliSignsInThroughTheLoopbackRedirectAndSavesAnExpiringToken() throws Exception {
    signsInNext("cli-subject-1", "raj", List.of("ml-leads", "capstan-admins"));
    TestingCli cli = TestingCli.withoutToken(url);

    TestingCli.Running login = cli.start("login", "--oidc", "--no-browser");
    String authorization =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> signInUrl(login.outSoFar()), found -> found != null);
    assertThat(authorization)
        .contains("code_challenge_method=S256", "client_id=" + CLI_CLIENT, "nonce=")
        .contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A");
    // The user's browser: the provider signs in and redirects to the CLI's loopback listener.
    HttpResponse<String> browser =
        get(
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build(),
            authorization);
    assertThat(browser.body()).contains("Capstan received the sign-in");
    TestingCli.Result result = login.result().get(60, TimeUnit.SECONDS);

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("Logged in to " + url + " as raj").contains("expires at");
    TestingCli.Result whoami = cli.run("whoami");
    assertThat(whoami.exitCode()).as(whoami.err()).isZero();
    assertThat(whoami.out())
        .containsPattern("User:\\s+raj")
        .as("a member of the admin group is an installation admin")
        .containsPattern("Admin:\\s+yes")
        .containsPattern("speech\\s+admin");

    String saved = JSON.readTree(Files.readString(cli.configFile())).get("token").asString();
    assertThat(saved).startsWith("capsess_");
    TestingCli.Result logout = cli.run("logout");
    assertThat(logout.exitCode()).as(logout.err()).isZero();
    assertThat(logout.out()).contains("the server ended the session");
    assertThat(http.get(saved, "/api/v1/whoami").status()).isEqualTo(401);
    assertThat(cli.run("whoami").exitCode()).isEqualTo(4);
  }

  @Test
  void membershipsFollowTheGroupsButAPersonsGrantStays() {
    String subject = "exchange-subject-1";
    JsonNode first = exchange(idToken(ISSUER_ID, CLI_CLIENT, subject, "Priya", List.of("ml-team")));
    String priya = first.get("user").asString();
    assertThat(priya).isEqualTo("priya");
    assertThat(roles(first.get("token").asString())).containsEntry("speech", "editor");
    TestingHttp.Answer byHand =
        http.put(
            admin,
            "/api/v1/projects/vision/members",
            "{\"user\":\"" + priya + "\",\"role\":\"admin\"}");
    assertThat(byHand.status()).as(byHand.body()).isEqualTo(200);

    JsonNode second =
        exchange(idToken(ISSUER_ID, CLI_CLIENT, subject, "Priya", List.of("cn=vision,ou=groups")));

    assertThat(second.get("user").asString())
        .as("the same subject, the same user")
        .isEqualTo(priya);
    Map<String, String> roles = roles(second.get("token").asString());
    assertThat(roles).doesNotContainKey("speech");
    assertThat(roles).as("given by hand: sign-in leaves it").containsEntry("vision", "admin");
  }

  @Test
  void aProviderUserNamedAdminDoesNotBecomeTheBootstrapAdmin() {
    JsonNode session = exchange(idToken(ISSUER_ID, CLI_CLIENT, "someone", "admin", List.of()));

    assertThat(session.get("user").asString()).isEqualTo("admin-2");
    assertThat(http.get(session.get("token").asString(), "/api/v1/users").status()).isEqualTo(403);
  }

  @Test
  void tokensOfAnotherIssuerOrAudienceExpiredOrBadlySignedAreRefused() {
    String otherIssuer = idToken("elsewhere", CLI_CLIENT, "s1", "eve", List.of("capstan-admins"));
    String otherAudience = idToken(ISSUER_ID, "another-app", "s1", "eve", List.of());
    String expired =
        PROVIDER
            .issueToken(
                ISSUER_ID,
                CLI_CLIENT,
                new DefaultOAuth2TokenCallback(
                    ISSUER_ID,
                    "s1",
                    "JWT",
                    List.of(CLI_CLIENT),
                    Map.of("preferred_username", "eve"),
                    -600))
            .serialize();
    String good = idToken(ISSUER_ID, CLI_CLIENT, "s1", "eve", List.of());
    String badlySigned =
        good.substring(0, good.lastIndexOf('.') + 1)
            + "AAAA"
            + good.substring(good.lastIndexOf('.') + 5);

    assertRefused(otherIssuer, "issued by '" + PROVIDER.issuerUrl(ISSUER_ID) + "'", "elsewhere");
    assertRefused(otherAudience, "for client 'capstan-web' or 'capstan-cli'", "another-app");
    assertRefused(expired, "expired at");
    assertRefused(badlySigned, "signature did not verify");
    assertThat(http.get(good, "/api/v1/whoami").status())
        .as("an ID token is no Capstan token")
        .isEqualTo(401);
    assertThat(http.get(admin, "/api/v1/users").body()).doesNotContain("\"eve\"");
  }

  @Test
  void theCliReadsTheProviderSettingsFromTheServer() {
    TestingHttp.Answer settings = http.get(null, "/api/v1/auth/oidc");

    assertThat(settings.status()).isEqualTo(200);
    JsonNode body = JSON.readTree(settings.body());
    assertThat(body.get("issuer").asString()).isEqualTo(PROVIDER.issuerUrl(ISSUER_ID).toString());
    assertThat(body.get("clientId").asString()).isEqualTo(CLI_CLIENT);
    assertThat(settings.body()).doesNotContain("web-secret");
  }

  private void assertRefused(String idToken, String... messageParts) {
    TestingHttp.Answer answer =
        http.post(null, "/api/v1/auth/oidc/token", "application/json", tokenRequest(idToken));
    assertThat(answer.status()).as(answer.body()).isEqualTo(401);
    assertThat(JSON.readTree(answer.body()).get("code").asString()).isEqualTo("UNAUTHENTICATED");
    assertThat(answer.body()).contains(messageParts).doesNotContain(idToken.substring(0, 40));
  }

  private JsonNode exchange(String idToken) {
    TestingHttp.Answer answer =
        http.post(null, "/api/v1/auth/oidc/token", "application/json", tokenRequest(idToken));
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  private static String tokenRequest(String idToken) {
    return "{\"idToken\":\"" + idToken + "\"}";
  }

  private Map<String, String> roles(String token) {
    TestingHttp.Answer whoami = http.get(token, "/api/v1/whoami");
    assertThat(whoami.status()).as(whoami.body()).isEqualTo(200);
    Map<String, String> roles = new TreeMap<>();
    JSON.readTree(whoami.body())
        .get("projects")
        .forEach(m -> roles.put(m.get("user").asString(), m.get("role").asString()));
    return roles;
  }

  /** The next sign-in at the provider is this person's. */
  private static void signsInNext(String subject, String username, List<String> groups) {
    PROVIDER.enqueueCallback(
        new DefaultOAuth2TokenCallback(
            ISSUER_ID,
            subject,
            "JWT",
            null,
            Map.of("preferred_username", username, "groups", groups),
            3600));
  }

  /** An ID token signed by the provider's key for {@code issuerId}. */
  private static String idToken(
      String issuerId, String audience, String subject, String username, List<String> groups) {
    return PROVIDER
        .issueToken(
            issuerId,
            audience,
            new DefaultOAuth2TokenCallback(
                issuerId,
                subject,
                "JWT",
                List.of(audience),
                Map.of("preferred_username", username, "groups", groups),
                3600))
        .serialize();
  }

  private static String signInUrl(String output) {
    return output
        .lines()
        .map(String::strip)
        .filter(line -> line.startsWith("http"))
        .findFirst()
        .orElse(null);
  }

  private static HttpCookie cookie(CookieManager cookies, String name) {
    return cookies.getCookieStore().getCookies().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no cookie " + name));
  }

  private static HttpRequest.Builder post(String uri, String json) {
    return HttpRequest.newBuilder(URI.create(uri))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
  }

  private static HttpResponse<String> get(HttpClient client, String uri)
      throws IOException, InterruptedException {
    return send(client, HttpRequest.newBuilder(URI.create(uri)).GET().build());
  }

  private static HttpResponse<String> send(HttpClient client, HttpRequest request)
      throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
