package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.server.CapstanServer;
import io.capstan.server.projectdata.ProjectDataLookup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Secrets and config maps through the real server's API (decision 84): scoped to the project as
 * jobs are, write-only secret values, compare-and-set replaces, audit events with keys and no
 * values, and no value in any answer or log line, not even of a refused request.
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class ProjectDataIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-project-data-it");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String PASSWORD = "pw-7f3a9c-never-shown";
  private static final String SECRETS = "/api/v1/projects/alpha/secrets";
  private static final String CONFIG_MAPS = "/api/v1/projects/alpha/configmaps";

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("capstan.data-dir", DATA::toString);
  }

  @Value("${local.server.port}")
  int port;

  @Autowired ProjectDataLookup lookup;

  private TestingHttp http;
  private String admin;

  @BeforeEach
  void setUp() {
    admin = ServerFixture.adminToken(DATA);
    http = new TestingHttp("http://127.0.0.1:" + port);
  }

  @Test
  void secretsAreWriteOnlyScopedToTheProjectVersionedAndAuditedWithoutValues(CapturedOutput output)
      throws Exception {
    String alice = ServerFixture.userWithProject(http, admin, "alice", "alpha");
    String bob = ServerFixture.userWithProject(http, admin, "bob", "beta");
    String vic = ServerFixture.userWithProject(http, admin, "vic", "vic-own");
    http.put(alice, "/api/v1/projects/alpha/members", "{\"user\":\"vic\",\"role\":\"viewer\"}");

    TestingHttp.Answer created =
        http.post(
            alice,
            SECRETS,
            "application/json",
            "{\"name\":\"db\",\"stringData\":{\"password\":\""
                + PASSWORD
                + "\"},"
                + "\"data\":{\"user\":\"cm9vdA==\"}}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.body()).doesNotContain(PASSWORD).doesNotContain("cm9vdA==");
    JsonNode view = JSON.readTree(created.body());
    assertThat(view.get("keys").get("password").asInt()).isEqualTo(PASSWORD.length());
    assertThat(view.get("keys").get("user").asInt()).isEqualTo(4);
    assertThat(view.get("resourceVersion").asLong()).isEqualTo(1);

    TestingHttp.Answer read = http.get(vic, SECRETS + "/db");
    assertThat(read.status()).as("a viewer reads keys").isEqualTo(200);
    assertThat(read.body()).doesNotContain(PASSWORD).contains("\"password\":" + PASSWORD.length());
    assertThat(http.get(vic, SECRETS).body()).contains("\"db\"").doesNotContain(PASSWORD);
    assertThat(http.post(vic, SECRETS, "application/json", "{\"name\":\"x\",\"data\":{}}").status())
        .as("a viewer may not write")
        .isEqualTo(403);
    assertThat(http.get(bob, SECRETS + "/db").status()).as("a non-member").isEqualTo(404);
    assertThat(http.get(bob, SECRETS).status()).isEqualTo(404);
    assertThat(http.delete(bob, SECRETS + "/db").status()).isEqualTo(404);

    TestingHttp.Answer taken =
        http.post(alice, SECRETS, "application/json", "{\"name\":\"db\",\"data\":{}}");
    assertThat(taken.status()).isEqualTo(409);
    TestingHttp.Answer replaced =
        http.put(alice, SECRETS + "/db", "{\"stringData\":{\"token\":\"t\"}}", "\"1\"");
    assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
    assertThat(JSON.readTree(replaced.body()).get("resourceVersion").asLong()).isEqualTo(2);
    TestingHttp.Answer stale =
        http.put(alice, SECRETS + "/db", "{\"stringData\":{\"token\":\"u\"}}", "\"1\"");
    assertThat(stale.status()).isEqualTo(409);
    assertThat(JSON.readTree(stale.body()).get("field").asString()).isEqualTo("If-Match");

    // Refused requests: neither the answer nor the log quotes the value.
    String bad = PASSWORD + "%%";
    TestingHttp.Answer notBase64 =
        http.post(
            alice,
            SECRETS,
            "application/json",
            "{\"name\":\"bad\",\"data\":{\"password\":\"" + bad + "\"}}");
    assertThat(notBase64.status()).isEqualTo(400);
    assertThat(JSON.readTree(notBase64.body()).get("field").asString()).isEqualTo("data.password");
    TestingHttp.Answer malformed =
        http.post(
            alice,
            SECRETS,
            "application/json",
            "{\"name\":\"bad\",\"stringData\":{\"password\":" + PASSWORD + "}}");
    assertThat(malformed.status()).isEqualTo(400);
    TestingHttp.Answer notText =
        http.post(
            alice,
            SECRETS,
            "application/json",
            "{\"name\":\"bad\",\"stringData\":{\"password\":[\"" + PASSWORD + "\"]}}");
    assertThat(notText.status()).isEqualTo(400);
    assertThat(JSON.readTree(notText.body()).get("field").asString())
        .isEqualTo("stringData.password");
    for (TestingHttp.Answer answer : List.of(notBase64, malformed, notText)) {
      assertThat(answer.body()).doesNotContain(PASSWORD);
    }

    List<JsonNode> events = events(admin, "/api/v1/audit?project=alpha&kind=secret&limit=100");
    assertThat(events).extracting(e -> e.get("objectName").asString()).contains("db", "bad");
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.get("action").asString()).isEqualTo("create");
              assertThat(e.get("outcome").asString()).isEqualTo("allowed");
              assertThat(e.get("after").get("keys").toString())
                  .isEqualTo("[\"password\",\"user\"]");
              assertThat(e.get("after").get("bytes").asInt()).isEqualTo(PASSWORD.length() + 4);
            });
    assertThat(http.get(admin, "/api/v1/audit?limit=1000").body()).doesNotContain(PASSWORD);
    assertThat(output.getAll()).doesNotContain(PASSWORD);
    try (var files = Files.walk(DATA)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (file.getFileName().toString().endsWith(".log")) {
          assertThat(Files.readString(file)).as(file.toString()).doesNotContain(PASSWORD);
        }
      }
    }
    assertThat(Files.getPosixFilePermissions(DATA.resolve("secrets.key")))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

    // What the job launcher will read: the production bean, the values as written.
    Map<String, byte[]> values = lookup.secret("alpha", "db").orElseThrow();
    assertThat(values.keySet()).containsExactly("token");
    assertThat(new String(values.get("token"), StandardCharsets.UTF_8)).isEqualTo("t");
    assertThat(lookup.secret("beta", "db")).isEmpty();

    assertThat(http.delete(vic, SECRETS + "/db").status()).isEqualTo(403);
    assertThat(http.delete(alice, SECRETS + "/db").status()).isEqualTo(204);
    assertThat(http.get(alice, SECRETS + "/db").status()).isEqualTo(404);
  }

  @Test
  void configMapsShowTheirValuesAndFollowTheSameRules() {
    String carol = ServerFixture.userWithProject(http, admin, "carol", "gamma");
    String path = "/api/v1/projects/gamma/configmaps";
    TestingHttp.Answer created =
        http.post(
            carol,
            path,
            "application/json",
            "{\"name\":\"settings\",\"data\":{\"mode\":\"fast\",\"train.yaml\":\"lr: 0.1\\n\"}}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode got = JSON.readTree(http.get(carol, path + "/settings").body());
    assertThat(got.get("data").get("train.yaml").asString()).isEqualTo("lr: 0.1\n");
    assertThat(http.get(carol, path).body()).contains("\"mode\":\"fast\"");

    TestingHttp.Answer badKey =
        http.post(carol, path, "application/json", "{\"name\":\"x\",\"data\":{\"a/b\":\"v\"}}");
    assertThat(badKey.status()).isEqualTo(400);
    assertThat(JSON.readTree(badKey.body()).get("field").asString()).isEqualTo("data");
    TestingHttp.Answer badName =
        http.post(carol, path, "application/json", "{\"name\":\"Settings\",\"data\":{}}");
    assertThat(JSON.readTree(badName.body()).get("field").asString()).isEqualTo("name");
    TestingHttp.Answer tooBig =
        http.post(
            carol,
            path,
            "application/json",
            "{\"name\":\"big\",\"data\":{\"k\":\"" + "x".repeat(1024 * 1024) + "\"}}");
    assertThat(tooBig.status()).isEqualTo(413);
    TestingHttp.Answer renamed =
        http.put(carol, path + "/settings", "{\"name\":\"other\",\"data\":{}}");
    assertThat(renamed.status()).isEqualTo(400);
    assertThat(http.put(carol, path + "/settings", "{\"data\":{\"mode\":\"slow\"}}").body())
        .contains("\"mode\":\"slow\"")
        .contains("\"resourceVersion\":2");
    assertThat(lookup.configMap("gamma", "settings")).contains(Map.of("mode", "slow"));
    assertThat(http.get(carol, CONFIG_MAPS).status()).as("alpha is not carol's").isEqualTo(404);
    assertThat(http.delete(carol, path + "/settings").status()).isEqualTo(204);
    assertThat(http.delete(carol, path + "/settings").status()).isEqualTo(404);
  }

  @Test
  void theCliCreatesASecretFromAKubernetesDocumentAndNeverPrintsItsValues(@TempDir Path temp)
      throws Exception {
    String dave = ServerFixture.userWithProject(http, admin, "dave", "delta");
    TestingCli cli = new TestingCli("http://127.0.0.1:" + port, dave);
    Path file =
        Files.writeString(
            temp.resolve("secret.yaml"),
            "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData:\n  password: "
                + PASSWORD
                + "\n");

    TestingCli.Result created =
        cli.run("secret", "create", "-f", file.toString(), "--project", "delta");
    assertThat(created.exitCode()).as(created.err()).isZero();
    assertThat(created.out()).contains("secret/db created (1 key, resourceVersion 1)");
    TestingCli.Result got = cli.run("secret", "get", "db", "--project", "delta", "-o", "yaml");
    assertThat(got.out()).contains("password: " + PASSWORD.length()).doesNotContain(PASSWORD);
    TestingCli.Result map =
        cli.run(
            "configmap", "create", "settings", "--from-literal", "mode=fast", "--project", "delta");
    assertThat(map.exitCode()).as(map.err()).isZero();
    assertThat(cli.run("configmap", "get", "settings", "--project", "delta").out())
        .contains("mode: fast");
    assertThat(cli.run("secret", "list", "--project", "delta").out())
        .containsPattern("db\\s+password");
    assertThat(cli.run("secret", "delete", "db", "--project", "delta").exitCode()).isZero();
    assertThat(cli.run("secret", "get", "db", "--project", "delta").exitCode()).isEqualTo(3);
  }

  private List<JsonNode> events(String token, String path) {
    TestingHttp.Answer answer = http.get(token, path);
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    List<JsonNode> events = new ArrayList<>();
    JSON.readTree(answer.body()).get("events").forEach(events::add);
    return events;
  }
}
