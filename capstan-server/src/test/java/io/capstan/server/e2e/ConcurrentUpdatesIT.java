package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.server.CapstanServer;
import io.capstan.server.store.TestingRace;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Optimistic concurrency through the REST API (decision 76): quotas and aliases show their {@code
 * resourceVersion}, a {@code PUT} with {@code If-Match} over a version that moved on is answered
 * 409 CONFLICT and changes nothing, and clients that read, change and write back with {@code
 * If-Match} (retrying on 409) lose no update between them.
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConcurrentUpdatesIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-versions-it");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("capstan.data-dir", DATA::toString);
  }

  @Value("${local.server.port}")
  int port;

  private TestingHttp http;
  private String admin;

  @BeforeEach
  void setUp() {
    admin = ServerFixture.adminToken(DATA);
    http = new TestingHttp("http://127.0.0.1:" + port);
  }

  @Test
  void aQuotaPutOverAStaleResourceVersionIsAConflictAndChangesNothing() {
    String quota = project("quota-stale") + "/quota";
    assertThat(json(http.get(admin, quota), 200).get("resourceVersion").asLong())
        .as("no quota set yet")
        .isZero();

    JsonNode first = json(http.put(admin, quota, quota(4, 1), "\"0\""), 200);
    assertThat(first.get("resourceVersion").asLong()).isEqualTo(1);
    JsonNode second = json(http.put(admin, quota, quota(8, 1), "1"), 200);
    assertThat(second.get("resourceVersion").asLong()).isEqualTo(2);

    JsonNode conflict = json(http.put(admin, quota, quota(2, 1), "\"1\""), 409);
    assertThat(conflict.get("code").asString()).isEqualTo("CONFLICT");
    assertThat(conflict.get("field").asString()).isEqualTo("If-Match");
    assertThat(conflict.get("message").asString())
        .isEqualTo(
            "Expected the quota of project 'quota-stale' at resourceVersion 1 (If-Match), but it"
                + " changed concurrently and is at 2; read it again and apply your change to"
                + " what you read");
    JsonNode now = json(http.get(admin, quota), 200);
    assertThat(now.get("quota").get("nominal").get("gpu").asString()).isEqualTo("8");
    assertThat(now.get("resourceVersion").asLong()).isEqualTo(2);

    JsonNode bad = json(http.put(admin, quota, quota(2, 1), "v2"), 400);
    assertThat(bad.get("field").asString()).isEqualTo("If-Match");
    JsonNode unconditional = json(http.put(admin, quota, quota(2, 1)), 200);
    assertThat(unconditional.get("resourceVersion").asLong())
        .as("without If-Match, as the CLI sends it, the put replaces whatever is stored")
        .isEqualTo(3);
  }

  @Test
  void twoAdminsRaisingOneQuotaByReadModifyWriteLoseNoUpdate() throws Exception {
    String quota = project("quota-race") + "/quota";
    int each = 15;

    TestingRace.run(
        2,
        each,
        () -> {
          while (true) {
            JsonNode read = json(http.get(admin, quota), 200);
            int weight = read.get("quota").get("weight").asInt();
            String version = "\"" + read.get("resourceVersion").asLong() + "\"";
            TestingHttp.Answer written = http.put(admin, quota, quota(1, weight + 1), version);
            if (written.status() == 200) {
              return;
            }
            assertThat(written.status()).as(written.body()).isEqualTo(409);
          }
        });

    JsonNode last = json(http.get(admin, quota), 200);
    assertThat(last.get("quota").get("weight").asInt()).isEqualTo(1 + 2 * each);
    assertThat(last.get("resourceVersion").asLong()).isEqualTo(2 * each);
  }

  @Test
  void anAliasMoveOverAStaleResourceVersionIsAConflictAndChangesNothing() {
    String project = "alias-stale";
    project(project);
    ServerFixture.registerLinearModel(http, admin, project, "churn");
    ServerFixture.registerLinearModel(http, admin, project, "churn");
    String aliases = "/api/v1/projects/" + project + "/models/churn/aliases";

    JsonNode created =
        json(http.put(admin, aliases + "/production", "{\"version\":1}", "\"0\""), 200);
    assertThat(created.get("resourceVersion").asLong()).isEqualTo(1);
    JsonNode again =
        json(http.put(admin, aliases + "/production", "{\"version\":2}", "\"0\""), 409);
    assertThat(again.get("code").asString()).isEqualTo("CONFLICT");
    assertThat(again.get("message").asString())
        .startsWith(
            "Expected alias 'churn@production' of project 'alias-stale' at resourceVersion 0"
                + " (If-Match), but it changed concurrently and is at 1");

    JsonNode moved =
        json(http.put(admin, aliases + "/production", "{\"version\":2}", "\"1\""), 200);
    assertThat(moved.get("version").asInt()).isEqualTo(2);
    assertThat(moved.get("resourceVersion").asLong()).isEqualTo(2);
    json(http.put(admin, aliases + "/production", "{\"version\":1}", "\"1\""), 409);

    JsonNode listed = json(http.get(admin, aliases), 200).get(0);
    assertThat(listed.get("alias").asString()).isEqualTo("production");
    assertThat(listed.get("version").asInt()).isEqualTo(2);
    assertThat(listed.get("resourceVersion").asLong()).isEqualTo(2);
  }

  /** Creates {@code name} as the admin; its API path. */
  private String project(String name) {
    TestingHttp.Answer made =
        http.post(
            admin,
            "/api/v1/projects",
            "application/json",
            "{\"name\":\"" + name + "\",\"description\":\"versions\"}");
    assertThat(made.status()).as(made.body()).isEqualTo(201);
    return "/api/v1/projects/" + name;
  }

  private static String quota(int gpus, int weight) {
    return "{\"nominal\":{\"gpu\":\"" + gpus + "\"},\"weight\":" + weight + "}";
  }

  private static JsonNode json(TestingHttp.Answer answer, int status) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    return JSON.readTree(answer.body());
  }
}
