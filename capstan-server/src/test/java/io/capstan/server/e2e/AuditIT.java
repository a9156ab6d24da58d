package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.server.CapstanServer;
import io.capstan.server.model.TestingOnnx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit log against the real server: a submit, a cancel, a quota change, a refused
 * cross-project call and a failed authentication are recorded with who, from where, what and the
 * outcome, and read back through the API and the CLI; project admins see only their projects.
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuditIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-audit-it");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String SLEEPER =
      """
      apiVersion: capstan.io/v1
      kind: TrainingJob
      metadata: {name: sleeper}
      spec:
        replicas:
          - role: worker
            count: 1
            command: [sh, -c, "sleep 300"]
            resources: {cpu: 100m, memory: 64Mi}
      """;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("capstan.data-dir", DATA::toString);
    registry.add("capstan.stop-grace-period", () -> "2s");
    registry.add("capstan.runtime.local.cgroups", () -> "off");
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
  void submitCancelQuotaAndRefusedCallsAreRecordedAndReadBackByTheirAdmins() {
    String alice = ServerFixture.userWithProject(http, admin, "alice", "alpha");
    String bob = ServerFixture.userWithProject(http, admin, "bob", "beta");
    String vic = ServerFixture.userWithProject(http, admin, "vic", "vic-own");
    assertThat(
            http.put(
                    alice,
                    "/api/v1/projects/alpha/members",
                    "{\"user\":\"vic\",\"role\":\"viewer\"}")
                .status())
        .isEqualTo(200);

    TestingHttp.Answer submitted =
        http.post(alice, "/api/v1/projects/alpha/jobs", "application/yaml", SLEEPER);
    assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
    String uid = JSON.readTree(submitted.body()).get("uid").asString();
    TestingHttp.Answer cancelled =
        http.post(alice, "/api/v1/projects/alpha/jobs/sleeper/cancel", null, "");
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    TestingHttp.Answer quota =
        http.put(
            admin,
            "/api/v1/projects/alpha/quota",
            "{\"nominal\":{\"cpu\":\"2\",\"memory\":\"4Gi\",\"gpu\":\"0\"},\"weight\":2}");
    assertThat(quota.status()).as(quota.body()).isEqualTo(200);
    TestingHttp.Answer crossProject =
        http.post(bob, "/api/v1/projects/alpha/jobs", "application/yaml", SLEEPER);
    assertThat(crossProject.status()).isEqualTo(404);
    assertThat(http.delete("cap_not_a_real_token", "/api/v1/projects/alpha/jobs/sleeper").status())
        .isEqualTo(401);

    // Read back at once, as the installation admin: the answers above came after their events.
    List<JsonNode> alpha = events(admin, "/api/v1/audit?project=alpha");
    JsonNode submit = only(alpha, "alice", "create", "job");
    assertThat(submit.get("objectName").asString()).isEqualTo("sleeper");
    assertThat(submit.get("outcome").asString()).isEqualTo("allowed");
    assertThat(submit.get("status").asInt()).isEqualTo(201);
    assertThat(submit.get("authMethod").asString()).isEqualTo("token");
    assertThat(submit.get("remoteAddress").asString()).isEqualTo("127.0.0.1");
    assertThat(submit.get("after").get("uid").asString()).isEqualTo(uid);

    JsonNode cancel = only(alpha, "alice", "cancel", "job");
    assertThat(cancel.get("objectName").asString()).isEqualTo("sleeper");
    assertThat(cancel.get("before").get("phase").asString()).isIn("Queued", "Starting", "Running");
    assertThat(cancel.get("after").get("phase").asString()).isEqualTo("Cancelled");

    JsonNode quotaChange = only(alpha, "admin", "set", "quota");
    assertThat(quotaChange.get("method").asString()).isEqualTo("PUT");
    assertThat(quotaChange.get("before").get("weight").asInt()).isEqualTo(1);
    assertThat(quotaChange.get("before").get("nominal").get("cpu").asString()).isEqualTo("0");
    assertThat(quotaChange.get("after").get("weight").asInt()).isEqualTo(2);
    assertThat(quotaChange.get("after").get("nominal").get("cpu").asString()).isEqualTo("2");

    JsonNode refused = only(alpha, "bob", "create", "job");
    assertThat(refused.get("outcome").asString()).isEqualTo("refused");
    assertThat(refused.get("status").asInt()).isEqualTo(404);
    assertThat(refused.get("errorCode").asString()).isEqualTo("NOT_FOUND");
    assertThat(refused.get("message").asString()).isEqualTo("Project 'alpha' not found");
    assertThat(refused.get("path").asString()).isEqualTo("/api/v1/projects/alpha/jobs");

    JsonNode unauthenticated = only(alpha, "anonymous", "delete", "job");
    assertThat(unauthenticated.get("errorCode").asString()).isEqualTo("UNAUTHENTICATED");
    assertThat(unauthenticated.get("authMethod").asString()).isEqualTo("token");

    JsonNode member = only(alpha, "alice", "set", "member");
    assertThat(member.get("objectName").asString()).isEqualTo("vic");
    assertThat(member.get("after").get("role").asString()).isEqualTo("viewer");
    assertThat(member.get("before").get("role").asString()).isEqualTo("none");

    // Project admins: their projects only; others get 404 as elsewhere, viewers 403.
    List<JsonNode> ownLog = events(alice, "/api/v1/projects/alpha/audit");
    assertThat(ownLog).extracting(e -> e.get("id").asLong()).isEqualTo(ids(alpha));
    assertThat(events(alice, "/api/v1/audit"))
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.get("project").asString()).isEqualTo("alpha"));
    assertThat(events(bob, "/api/v1/audit"))
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.get("project").asString()).isEqualTo("beta"));
    assertThat(http.get(alice, "/api/v1/projects/beta/audit").status()).isEqualTo(404);
    assertThat(http.get(alice, "/api/v1/audit?project=beta").status()).isEqualTo(404);
    assertThat(http.get(vic, "/api/v1/projects/alpha/audit").status()).isEqualTo(403);

    // Token creation is recorded as USER/ID (as its deletion is) with its name; no secret is in
    // the log.
    TestingHttp.Answer everything = http.get(admin, "/api/v1/audit?limit=1000");
    assertThat(everything.body()).doesNotContain(alice, bob, vic, "cap_not_a_real_token");
    List<JsonNode> tokenEvents = events(admin, "/api/v1/audit?kind=token");
    assertThat(tokenEvents)
        .extracting(e -> e.get("objectName").asString().replaceAll("/[0-9a-f]+$", "/ID"))
        .contains("alice/ID", "bob/ID", "vic/ID");
    assertThat(tokenEvents)
        .allSatisfy(e -> assertThat(e.get("after").get("name").asString()).isEqualTo("test"));

    // The same through the CLI.
    TestingCli cli = new TestingCli("http://127.0.0.1:" + port, admin);
    TestingCli.Result table = cli.run("audit", "list", "-p", "alpha", "--outcome", "refused");
    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.out())
        .contains("bob", "127.0.0.1", "job", "refused 404 NOT_FOUND")
        .contains("anonymous", "refused 401 UNAUTHENTICATED")
        .doesNotContain("allowed");
    TestingCli.Result json = cli.run("audit", "list", "--user", "alice", "-o", "json");
    assertThat(json.exitCode()).as(json.err()).isZero();
    assertThat(JSON.readTree(json.out()).findValuesAsString("action"))
        .contains("create", "cancel", "set");
    TestingCli.Result own = new TestingCli("http://127.0.0.1:" + port, alice).run("audit", "list");
    assertThat(own.exitCode()).as(own.err()).isZero();
    assertThat(own.out()).contains("quota alpha", "job sleeper").doesNotContain("beta");
  }

  @Test
  void aModelUploadIsRecordedWithItsVersionAndDigestAndARefusedOneWithItsReason() throws Exception {
    String mona = ServerFixture.userWithProject(http, admin, "mona", "gamma");
    byte[] onnx = Files.readAllBytes(TestingOnnx.linear());
    String versions = "/api/v1/projects/gamma/models/churn/versions";

    assertThat(http.postBytes(mona, versions, "application/octet-stream", onnx).status())
        .isEqualTo(201);
    assertThat(
            http.postBytes(mona, versions, "application/octet-stream", new byte[] {1, 2, 3})
                .status())
        .isEqualTo(400);

    List<JsonNode> gamma = events(mona, "/api/v1/projects/gamma/audit?kind=version");
    assertThat(gamma).hasSize(2);
    JsonNode refused = gamma.get(0);
    assertThat(refused.get("objectName").asString()).isEqualTo("churn");
    assertThat(refused.get("outcome").asString()).isEqualTo("refused");
    assertThat(refused.get("errorCode").asString()).isEqualTo("INVALID_ARGUMENT");
    JsonNode uploaded = gamma.get(1);
    assertThat(uploaded.get("objectName").asString()).isEqualTo("churn/1");
    assertThat(uploaded.get("after").get("sizeBytes").asLong()).isEqualTo(onnx.length);
    assertThat(uploaded.get("after").get("sha256").asString()).hasSize(64);
  }

  @Test
  void theOpenApiDocumentHasTheAuditPathsAndNoAuditNoteParameter() {
    JsonNode paths = JSON.readTree(http.get(null, "/api/v1/openapi.json").body()).get("paths");

    assertThat(paths.has("/api/v1/audit")).isTrue();
    assertThat(paths.has("/api/v1/projects/{project}/audit")).isTrue();
    JsonNode submit = paths.get("/api/v1/projects/{project}/jobs").get("post");
    assertThat(submit.get("parameters").findValuesAsString("name")).containsExactly("project");
    JsonNode quota = paths.get("/api/v1/projects/{project}/quota").get("put");
    assertThat(quota.get("parameters").findValuesAsString("name"))
        .as("the AuditNote is no parameter; If-Match is a real header (decision 76)")
        .containsExactly("project", "If-Match");
  }

  private List<JsonNode> events(String token, String path) {
    TestingHttp.Answer answer = http.get(token, path);
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    List<JsonNode> events = new ArrayList<>();
    JSON.readTree(answer.body()).get("events").forEach(events::add);
    return events;
  }

  private static JsonNode only(List<JsonNode> events, String actor, String action, String kind) {
    List<JsonNode> matching =
        events.stream()
            .filter(e -> e.get("actor").asString().equals(actor))
            .filter(e -> e.get("action").asString().equals(action))
            .filter(e -> kind.equals(e.path("objectKind").asString(null)))
            .toList();
    assertThat(matching).as("%s %s %s in %s", actor, action, kind, events).hasSize(1);
    return matching.get(0);
  }

  private static List<Long> ids(List<JsonNode> events) {
    return events.stream().map(e -> e.get("id").asLong()).toList();
  }
}
