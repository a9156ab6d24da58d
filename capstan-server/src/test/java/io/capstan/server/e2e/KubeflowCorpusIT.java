package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.server.CapstanServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 16's corpus: Kubeflow specs (and a Katib trial's batch Job) in the shapes of the projects'
 * own examples and of what teams write for their clusters
 * (capstan-server/src/test/resources/corpus), each run on one machine without an edit. Every image
 * they name is an entry of the image map whose code folder holds a stand-in for the image's script
 * at the path the spec uses.
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KubeflowCorpusIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-corpus-it");
  private static final Path CORPUS =
      ServerFixture.repository().resolve("capstan-server/src/test/resources/corpus");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    writeImageMap();
    registry.add("capstan.data-dir", DATA::toString);
    registry.add("capstan.stop-grace-period", () -> "2s");
    // The MPI examples ask for 3 CPUs: the machine is declared as 8, as an operator would.
    registry.add("capstan.runtime.local.cpu-millis", () -> "8000");
  }

  @Value("${local.server.port}")
  int port;

  @Test
  void everySpecOfTheCorpusRunsToSucceededUnchanged() throws IOException {
    TestingHttp http = new TestingHttp("http://127.0.0.1:" + port);
    String admin = ServerFixture.adminToken(DATA);
    String token = ServerFixture.userWithProject(http, admin, "kate", "vision");
    created(
        http.post(
            token,
            "/api/v1/projects/vision/configmaps",
            "application/json",
            "{\"name\":\"train-config\",\"data\":{\"lr\":\"0.01\",\"config.yaml\":\"epochs: 1\"}}"));
    created(
        http.post(
            token,
            "/api/v1/projects/vision/secrets",
            "application/json",
            "{\"name\":\"hub-token\",\"stringData\":{\"token\":\"hf_corpus\"}}"));

    Map<String, String> jobs = new LinkedHashMap<>();
    for (Path spec : specs()) {
      TestingHttp.Answer answer =
          http.post(
              token, "/api/v1/projects/vision/jobs", "application/yaml", Files.readString(spec));
      assertThat(answer.status()).as(spec.getFileName() + ": " + answer.body()).isEqualTo(201);
      jobs.put(spec.getFileName().toString(), JSON.readTree(answer.body()).get("name").asString());
    }

    // Each job's view as it finished: one with a TTL (the MPIJob's 60 s) may be gone by the end.
    Map<String, JsonNode> finished = new LinkedHashMap<>();
    List<String> failed = new ArrayList<>();
    await()
        .atMost(Duration.ofMinutes(6))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              jobs.forEach(
                  (file, job) -> {
                    if (!finished.containsKey(file)) {
                      JsonNode view = job(http, token, job);
                      if (finished(view)) {
                        finished.put(file, view);
                      }
                    }
                  });
              return finished.size() == jobs.size();
            });
    jobs.forEach(
        (file, job) -> {
          JsonNode view = finished.get(file);
          String phase = view.get("status").get("phase").asString();
          if (!phase.equals("Succeeded")) {
            failed.add(
                file
                    + " ("
                    + job
                    + "): "
                    + phase
                    + " "
                    + view.get("status")
                    + logs(http, token, job));
          }
        });
    assertThat(failed).as("specs that did not succeed").isEmpty();
    assertThat(logs(http, token, "team-train"))
        .contains("config: epochs: 1", "pod=team-train-worker-0 index=0 lr=0.01")
        .contains("cwd=/workspace/train");
    assertThat(logs(http, token, "elastic-example-echo"))
        .as("nproc_per_node auto: a process per CPU on each of the two nodes")
        .contains("echo from rank", "all_reduce=");
    assertThat(logs(http, token, "random-x6wzvksb"))
        .as("Katib's trial Job ran its command in the mapped image")
        .contains("epoch=1 loss=");
    assertThat(http.get(token, "/api/v1/projects/vision/volumes").body())
        .contains("strategy-volume", "tfevent-volume", "team-datasets");
  }

  private static List<Path> specs() throws IOException {
    try (Stream<Path> files = Files.list(CORPUS.resolve("specs"))) {
      List<Path> specs = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
      assertThat(specs).hasSizeGreaterThanOrEqualTo(12);
      return specs;
    }
  }

  private static boolean finished(JsonNode view) {
    if (!view.has("status")) {
      throw new AssertionError("Expected a job, but got " + view);
    }
    String phase = view.get("status").get("phase").asString();
    return phase.equals("Succeeded") || phase.equals("Failed");
  }

  private static JsonNode job(TestingHttp http, String token, String job) {
    return JSON.readTree(http.get(token, "/api/v1/projects/vision/jobs/" + job).body());
  }

  private static String logs(TestingHttp http, String token, String job) {
    return http.get(token, "/api/v1/projects/vision/jobs/" + job + "/logs").body();
  }

  private static void created(TestingHttp.Answer answer) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(201);
  }

  /** The corpus's image map ({@code corpus/images.yaml}), as an operator writes it. */
  private static void writeImageMap() {
    try {
      Files.writeString(
          DATA.resolve("images.yaml"),
          Files.readString(CORPUS.resolve("images.yaml"))
              .replace("@CORPUS@", CORPUS.toAbsolutePath().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
