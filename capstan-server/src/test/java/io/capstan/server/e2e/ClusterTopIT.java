package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.server.CapstanServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /api/v1/top}: members see their project's usage and which GPU its job holds; everyone
 * else sees the same totals with that project summed into "(other projects)", never its name or its
 * jobs' names.
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ClusterTopIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-top-it");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String TOP = "/api/v1/top";
  private static final String ALPHA_JOBS = "/api/v1/projects/alpha/jobs";
  private static final String JOB =
      """
      apiVersion: capstan.io/v1
      kind: TrainingJob
      metadata: {name: secret-training}
      spec:
        replicas:
          - role: worker
            count: 1
            command: [sleep, "60"]
            resources: {cpu: 500m, memory: 64Mi, gpu: 1}
      """;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("capstan.data-dir", DATA::toString);
    registry.add("capstan.stop-grace-period", () -> "2s");
    registry.add("capstan.runtime.local.gpus", () -> "0,1");
    registry.add("capstan.runtime.local.cgroups", () -> "off");
  }

  @Value("${local.server.port}")
  int port;

  private TestingHttp http;
  private String admin;

  @BeforeEach
  void setUp() {
    http = new TestingHttp("http://127.0.0.1:" + port);
    admin = ServerFixture.adminToken(DATA);
  }

  @AfterEach
  void deleteJobs() {
    http.delete(admin, ALPHA_JOBS + "/secret-training");
  }

  @Test
  void membersSeeTheirProjectAndOthersOnlyAnAnonymousSum() {
    String alice = ServerFixture.userWithProject(http, admin, "alice", "alpha");
    String bob = ServerFixture.userWithProject(http, admin, "bob", "beta");
    TestingHttp.Answer submitted = http.post(alice, ALPHA_JOBS, "application/yaml", JOB);
    assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> phase(alice).equals("Running"));

    JsonNode asAlice = top(alice);
    assertThat(asAlice.get("allocated").get("cpu").asString()).isEqualTo("500m");
    assertThat(asAlice.get("allocated").get("gpu").asString()).isEqualTo("1");
    JsonNode node = asAlice.get("nodes").get(0);
    assertThat(node.get("allocated").get("cpu").asString()).isEqualTo("500m");
    assertThat(node.get("allocated").get("memory").asString()).isEqualTo("64Mi");
    assertThat(node.get("gpus").toString()).contains("\"heldBy\":\"alpha/secret-training\"");
    JsonNode alpha = row(asAlice, "alpha");
    assertThat(alpha.get("usage").get("cpu").asString()).isEqualTo("500m");
    assertThat(alpha.get("usage").get("gpu").asString()).isEqualTo("1");
    assertThat(alpha.get("borrowing").get("gpu").asString())
        .as("no quota: everything it uses is borrowed")
        .isEqualTo("1");
    assertThat(alpha.get("running").asInt()).isEqualTo(1);
    assertThat(alpha.get("pending").asInt()).isZero();

    TestingHttp.Answer asBob = http.get(bob, TOP);
    assertThat(asBob.status()).as(asBob.body()).isEqualTo(200);
    assertThat(asBob.body()).doesNotContain("alpha").doesNotContain("secret-training");
    JsonNode bobsView = JSON.readTree(asBob.body());
    assertThat(bobsView.get("allocated")).isEqualTo(asAlice.get("allocated"));
    assertThat(bobsView.get("nodes").get(0).get("gpus").toString())
        .contains("\"heldBy\":\"in use\"");
    assertThat(row(bobsView, "beta").get("usage").get("cpu").asString()).isEqualTo("0");
    JsonNode others = row(bobsView, "(other projects)");
    assertThat(others.get("usage").get("cpu").asString()).isEqualTo("500m");
    assertThat(others.get("usage").get("gpu").asString()).isEqualTo("1");
    assertThat(others.get("running").asInt()).isEqualTo(1);

    assertThat(projectNames(top(admin))).contains("alpha", "beta", "default");
    assertThat(projectNames(top(admin))).doesNotContain("(other projects)");
    // Everyone is told how jobs are isolated: here, a sandbox per replica.
    assertThat(asAlice.get("runtime").toString()).contains("runs in a bubblewrap sandbox");
  }

  @Test
  void withoutATokenTopAnswers401() {
    TestingHttp.Answer answer = http.get(null, TOP);

    assertThat(answer.status()).isEqualTo(401);
    assertThat(JSON.readTree(answer.body()).get("code").asString()).isEqualTo("UNAUTHENTICATED");
  }

  private JsonNode top(String token) {
    TestingHttp.Answer answer = http.get(token, TOP);
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  private String phase(String token) {
    TestingHttp.Answer answer = http.get(token, ALPHA_JOBS + "/secret-training");
    return JSON.readTree(answer.body()).get("status").get("phase").asString();
  }

  private static JsonNode row(JsonNode top, String project) {
    for (JsonNode row : top.get("projects")) {
      if (row.get("project").asString().equals(project)) {
        return row;
      }
    }
    throw new AssertionError("Expected a row for project '" + project + "', but got " + top);
  }

  private static List<String> projectNames(JsonNode top) {
    List<String> names = new ArrayList<>();
    top.get("projects").forEach(row -> names.add(row.get("project").asString()));
    return names;
  }
}
