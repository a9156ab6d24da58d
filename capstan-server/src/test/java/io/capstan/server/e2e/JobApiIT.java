package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.server.CapstanServer;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Bad input gets a 4xx naming the field and stores nothing; projects never see each other. */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class JobApiIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-api-it");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String JOBS = "/api/v1/projects/default/jobs";

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
    http = new TestingHttp("http://127.0.0.1:" + port);
    admin = ServerFixture.adminToken(DATA);
  }

  @Test
  void malformedYamlIsRejected() {
    assertRejected("kind: TrainingJob\nspec: [unclosed", 400, "INVALID_SPEC", null, "Malformed");
  }

  @Test
  void unknownKindIsRejectedNamingTheSupportedOnes() {
    assertRejected(
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: x}\nspec: {}\n",
        400,
        "INVALID_SPEC",
        "kind",
        "PyTorchJob");
  }

  @Test
  void zeroReplicasAreRejectedNamingTheCount() {
    assertRejected(
        spec("count: 0", "command: [\"true\"]"),
        400,
        "INVALID_SPEC",
        "spec.replicas[0].count",
        "but was 0");
  }

  @Test
  void missingCommandIsRejectedNamingTheField() {
    assertRejected(
        spec("count: 1", ""), 400, "INVALID_SPEC", "spec.replicas[0].command", "command");
  }

  @Test
  void hugeSpecIsRejectedBeforeParsing() {
    String huge = spec("count: 1", "command: [\"true\"]") + "#" + "x".repeat(2 * 1024 * 1024);
    assertRejected(huge, 413, "PAYLOAD_TOO_LARGE", "body", "at most");
  }

  @Test
  void jobLargerThanTheMachineIsRejectedWithWhy() {
    assertRejected(
        spec("count: 2", "command: [\"true\"]\n      resources: {gpu: 64}"),
        422,
        "EXCEEDS_CAPACITY",
        "spec.replicas",
        "can never start");
  }

  @Test
  void aFileOfSeveralDocumentsSubmitsItsOneJobAndRefusesOtherObjectsByName() {
    String job = spec("count: 1", "command: [\"true\"]");
    String service = "apiVersion: v1\nkind: Service\nmetadata: {name: board}\nspec: {}\n";
    assertRejected(
        "# job and board\n---\n" + job + "---\n" + service,
        400,
        "INVALID_SPEC",
        null,
        "Expected one job in the 2 YAML documents, but document 2 is a Service 'board', which"
            + " Capstan does not create");

    String commented =
        "# the team's header\n---\n" + job.replace("name: bad", "name: first") + "---\n";
    TestingHttp.Answer answer = http.post(admin, JOBS, "application/yaml", commented);
    assertThat(answer.status()).as(answer.body()).isEqualTo(201);
    assertThat(JSON.readTree(answer.body()).get("name").asString()).isEqualTo("first");
  }

  @Test
  void theKubeflowFormIsForTheTrainingOperatorsKindsAndOtherFormsAreRefused() {
    String spec = spec("count: 1", "command: [\"true\"]").replace("name: bad", "name: own");
    assertThat(http.post(admin, JOBS, "application/yaml", spec).status()).isEqualTo(201);

    TestingHttp.Answer kubeflow = http.get(admin, JOBS + "/own?form=kubeflow");
    assertThat(kubeflow.status()).isEqualTo(400);
    assertThat(JSON.readTree(kubeflow.body()).get("field").asString()).isEqualTo("form");
    assertThat(JSON.readTree(kubeflow.body()).get("message").asString())
        .isEqualTo(
            "Expected a PyTorchJob, TFJob, MPIJob or Job for form=kubeflow, but job 'own' is a"
                + " TrainingJob");
    TestingHttp.Answer other = http.get(admin, JOBS + "/own?form=yaml");
    assertThat(other.status()).isEqualTo(400);
    assertThat(http.get(admin, JOBS + "/own?form=capstan").status()).isEqualTo(200);
  }

  @Test
  void duplicateNameIsAConflict() {
    String spec = spec("count: 1", "command: [\"true\"]").replace("name: bad", "name: twice");
    assertThat(http.post(admin, JOBS, "application/yaml", spec).status()).isEqualTo(201);
    TestingHttp.Answer again = http.post(admin, JOBS, "application/yaml", spec);
    assertThat(again.status()).isEqualTo(409);
    assertThat(JSON.readTree(again.body()).get("field").asString()).isEqualTo("metadata.name");
  }

  @Test
  void requestsWithoutAValidTokenAreUnauthenticated() {
    assertThat(http.get(null, JOBS).status()).isEqualTo(401);
    TestingHttp.Answer wrong = http.get("cap_not-a-token", JOBS);
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(JSON.readTree(wrong.body()).get("code").asString()).isEqualTo("UNAUTHENTICATED");
  }

  @Test
  void aMemberOfOneProjectCannotSeeOrTouchAnotherProjectsJobs() {
    String alice = ServerFixture.userWithProject(http, admin, "alice", "vision");
    String bob = ServerFixture.userWithProject(http, admin, "bob", "nlp");
    String spec = spec("count: 1", "command: [sleep, \"60\"]").replace("name: bad", "name: secret");
    assertThat(http.post(alice, "/api/v1/projects/vision/jobs", "application/yaml", spec).status())
        .isEqualTo(201);

    String base = "/api/v1/projects/vision/jobs";
    assertThat(http.get(bob, base).status()).isEqualTo(404);
    assertThat(http.get(bob, base + "/secret").status()).isEqualTo(404);
    assertThat(http.get(bob, base + "/secret/logs").status()).isEqualTo(404);
    assertThat(http.get(bob, base + "/secret/outputs").status()).isEqualTo(404);
    assertThat(http.get(alice, base + "/secret/outputs").body()).contains("\"collected\":false");
    assertThat(http.post(bob, base + "/secret/cancel", null, "").status()).isEqualTo(404);
    assertThat(http.delete(bob, base + "/secret").status()).isEqualTo(404);
    assertThat(http.post(bob, base, "application/yaml", spec).status()).isEqualTo(404);
    assertThat(http.get(bob, "/api/v1/projects/nlp/jobs").body()).doesNotContain("secret");

    assertThat(http.post(alice, base + "/secret/cancel", null, "").status()).isEqualTo(200);
  }

  @Test
  void adminsSetProjectQuotasThatMembersCanReadAndOthersCannotSee() {
    String carol = ServerFixture.userWithProject(http, admin, "carol", "audio");
    String dan = ServerFixture.userWithProject(http, admin, "dan", "video");
    String quota =
        "{\"nominal\":{\"cpu\":\"4\",\"memory\":\"16Gi\",\"gpu\":\"2\"},"
            + "\"borrowingLimit\":{\"gpu\":\"1.5\"},\"weight\":2,\"policy\":\"fifo\"}";

    TestingHttp.Answer set = http.put(admin, "/api/v1/projects/audio/quota", quota);

    assertThat(set.status()).as(set.body()).isEqualTo(200);
    JsonNode view = JSON.readTree(http.get(carol, "/api/v1/projects/audio/quota").body());
    assertThat(view.get("quota").get("nominal").get("gpu").asString()).isEqualTo("2");
    assertThat(view.get("quota").get("nominal").get("memory").asString()).isEqualTo("16Gi");
    assertThat(view.get("quota").get("borrowingLimit").get("gpu").asString()).isEqualTo("1.50");
    assertThat(view.get("quota").get("policy").asString()).isEqualTo("FIFO");
    assertThat(view.get("quota").get("weight").asInt()).isEqualTo(2);
    assertThat(http.put(carol, "/api/v1/projects/audio/quota", quota).status()).isEqualTo(403);
    assertThat(http.get(dan, "/api/v1/projects/audio/quota").status()).isEqualTo(404);
    assertThat(http.get(dan, "/api/v1/queues").body()).contains("video").doesNotContain("audio");
  }

  @Test
  void aBadQuotaNamesTheFieldAndChangesNothing() {
    TestingHttp.Answer bad =
        http.put(admin, "/api/v1/projects/default/quota", "{\"nominal\":{\"gpu\":\"lots\"}}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(JSON.readTree(bad.body()).get("field").asString()).isEqualTo("nominal.gpu");
    TestingHttp.Answer policy =
        http.put(
            admin,
            "/api/v1/projects/default/quota",
            "{\"nominal\":{\"gpu\":\"1\"},\"policy\":\"random\"}");
    assertThat(JSON.readTree(policy.body()).get("field").asString()).isEqualTo("policy");

    JsonNode view = JSON.readTree(http.get(admin, "/api/v1/projects/default/quota").body());
    assertThat(view.get("quota").get("nominal").get("gpu").asString()).isEqualTo("0");
  }

  private void assertRejected(String body, int status, String code, String field, String text) {
    TestingHttp.Answer answer = http.post(admin, JOBS, "application/yaml", body);
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    JsonNode error = JSON.readTree(answer.body());
    assertThat(error.get("code").asString()).isEqualTo(code);
    if (field != null) {
      assertThat(error.get("field").asString()).isEqualTo(field);
    }
    assertThat(error.get("message").asString()).contains(text);
    JsonNode jobs = JSON.readTree(http.get(admin, JOBS).body());
    for (JsonNode job : jobs) {
      assertThat(job.get("name").asString()).as("nothing stored").isNotEqualTo("bad");
    }
  }

  private static String spec(String count, String command) {
    return """
        apiVersion: capstan.io/v1
        kind: TrainingJob
        metadata: {name: bad}
        spec:
          replicas:
            - role: worker
              %s
              %s
        """
        .formatted(count, command);
  }
}
