package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Notebooks end to end on the packaged server with real Jupyter and real kernels: create one, reach
 * it through the authenticated proxy, run {@code import torch} in a kernel over the WebSocket, keep
 * the workspace across stop/start and a control-plane restart, keep other projects and anonymous
 * callers out and the Jupyter token out of every answer and log; an idle notebook is culled and its
 * CPU admits a waiting job, while a notebook with a busy kernel keeps running.
 */
class NotebookIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration START = Duration.ofMinutes(3);

  private static Path data;
  private static ServerProcess server;
  private static TestingHttp http;
  private static String admin;
  private static final List<String> answers = new ArrayList<>();

  @BeforeAll
  static void start() {
    data = ServerFixture.newDataDir("capstan-notebook-it");
    server =
        new ServerProcess(data, "server.log", List.of("capstan.notebooks.poll-interval=500ms"));
    server.start();
    http = new TestingHttp(server.url());
    admin = ServerFixture.adminToken(data);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void notebookRunsTorchThroughTheProxyAndKeepsItsWorkspaceAcrossStopStartAndRestart()
      throws Exception {
    String alice = ServerFixture.userWithProject(http, admin, "alice", "vision");
    String bob = ServerFixture.userWithProject(http, admin, "bob", "speech");
    String api = "/api/v1/projects/vision/notebooks";
    TestingHttp.Answer created =
        http.post(
            alice,
            api,
            "application/json",
            "{\"name\":\"lab\",\"cpu\":\"500m\",\"memory\":\"1Gi\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    answers.add(created.body());
    awaitPhase(alice, "vision", "lab", "Running");
    String base = server.url() + "/notebooks/vision/lab/";

    HttpResponse<String> status = proxied(alice, base + "api/status");
    assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
    assertThat(JSON.readTree(status.body()).has("kernels")).isTrue();
    assertThat(proxied(null, base + "api/status").statusCode()).isEqualTo(401);
    assertThat(proxied(bob, base + "api/status").statusCode()).isEqualTo(404);
    assertThat(proxied(bob, base + "tree").statusCode()).isEqualTo(404);
    HttpResponse<String> tree = proxied(alice, base + "tree");
    assertThat(tree.statusCode()).isEqualTo(200);
    assertThat(tree.body()).contains("data-jupyter-api-token=\"\"");
    assertThat(tree.headers().allValues("set-cookie")).noneMatch(c -> c.startsWith("username-"));
    answers.add(tree.body());

    browserSignsInOnceWithTheLinkOfNotebookOpen(alice, base);

    String kernel = startKernel(new TestingNotebooks(http, "vision"), alice, base);
    try (TestingKernel channels =
        TestingKernel.connect(base, kernel, Map.of("Authorization", "Bearer " + alice))) {
      String version =
          channels.run("import torch; print(torch.__version__)", Duration.ofMinutes(2));
      assertThat(version.trim()).isEqualTo(torchVersion());
      assertThat(
              channels
                  .run(
                      "print(open('/capstan/workspace/keep.txt', 'w').write('kept'))",
                      Duration.ofSeconds(30))
                  .trim())
          .isEqualTo("4");
    }
    String firstJob = job(alice, "vision", "lab");
    TestingHttp.Answer logs = http.get(alice, api + "/lab/logs");
    assertThat(logs.status()).isEqualTo(307);

    assertThat(http.post(alice, api + "/lab/stop", null, "").status()).isEqualTo(200);
    awaitPhase(alice, "vision", "lab", "Stopped");
    assertThat(proxied(alice, base + "api/status").statusCode()).isEqualTo(503);
    assertThat(http.post(alice, api + "/lab/start", null, "").status()).isEqualTo(200);
    awaitPhase(alice, "vision", "lab", "Running");
    assertThat(workspaceFile(alice, base)).isEqualTo("kept");

    server.kill();
    server.start();
    awaitPhase(alice, "vision", "lab", "Running");
    assertThat(workspaceFile(alice, base)).isEqualTo("kept");
    String secondJob = job(alice, "vision", "lab");
    assertThat(secondJob).isNotEqualTo(firstJob);

    List<String> tokens =
        List.of(token(alice, "vision", firstJob), token(alice, "vision", secondJob));
    answers.add(http.get(alice, api + "/lab").body());
    answers.add(http.get(alice, "/api/v1/projects/vision/jobs/" + secondJob + "/logs").body());
    answers.add(http.get(alice, "/api/v1/projects/vision/jobs/" + firstJob).body());
    answers.add(Files.readString(data.resolve("server.log")));
    for (String token : tokens) {
      assertThat(answers).noneMatch(text -> text.contains(token));
    }

    TestingHttp.Answer deleted = http.delete(alice, api + "/lab");
    assertThat(deleted.status()).isIn(202, 204);
    await().atMost(START).until(() -> http.get(alice, api + "/lab").status() == 404);
    assertThat(http.get(alice, "/api/v1/projects/vision/volumes/notebook-lab").status())
        .isEqualTo(404);
  }

  @Test
  void idleNotebookIsCulledAndItsCpuAdmitsAWaitingJobWhileABusyOneKeepsRunning() throws Exception {
    String carol = ServerFixture.userWithProject(http, admin, "carol", "lab");
    TestingNotebooks lab = new TestingNotebooks(http, "lab");
    lab.limitCpu(admin, "1");
    String settings = "/api/v1/projects/lab/notebook-settings";
    assertThat(http.put(carol, settings, "{\"cullAfterSeconds\":0}").status()).isEqualTo(200);
    lab.create(carol, "idle");
    lab.create(carol, "busy");
    lab.awaitPhase(carol, "idle", "Running");
    lab.awaitPhase(carol, "busy", "Running");
    lab.create(carol, "extra");
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(20))
        .until(() -> lab.phase(carol, "extra").equals("Pending"));
    // As a job's: "waiting for 0.5 CPUs: queue lab uses 1 of its 1 CPU (nominal 1, ...)".
    assertThat(lab.get(carol, "extra").get("message").asString()).contains("waiting for 0.5 CPUs");
    assertThat(http.delete(carol, lab.api() + "/extra").status()).isIn(202, 204);
    await().atMost(START).until(() -> http.get(carol, lab.api() + "/extra").status() == 404);
    String busyBase = server.url() + "/notebooks/lab/busy/";
    String kernel = startKernel(lab, carol, busyBase);
    try (TestingKernel channels =
        TestingKernel.connect(busyBase, kernel, Map.of("Authorization", "Bearer " + carol))) {
      String sleeping =
          channels.run(
              "print('sleeping', flush=True); import time; time.sleep(600)", Duration.ofMinutes(2));
      assertThat(sleeping.trim()).isEqualTo("sleeping");
      lab.submitWaitingJob(carol);
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(20))
          .until(() -> lab.jobPhase(carol, "waiting").equals("Queued"));

      assertThat(http.put(carol, settings, "{\"cullAfterSeconds\":3}").status()).isEqualTo(200);

      lab.awaitPhase(carol, "idle", "Stopped");
      JsonNode idle = lab.get(carol, "idle");
      assertThat(idle.get("reason").asString()).isEqualTo("Culled");
      assertThat(idle.get("message").asString()).contains("idle").contains("workspace is kept");
      await()
          .atMost(START)
          .until(() -> List.of("Running", "Succeeded").contains(lab.jobPhase(carol, "waiting")));
      await()
          .during(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(10))
          .until(() -> lab.phase(carol, "busy").equals("Running"));
    }
  }

  /**
   * {@code capstan notebook open} prints a link; a browser (cookies kept) opening it lands in
   * Jupyter signed in, a second opening is refused, and a state-changing request of the signed-in
   * browser without Jupyter's XSRF header is refused.
   */
  private static void browserSignsInOnceWithTheLinkOfNotebookOpen(String token, String base)
      throws Exception {
    TestingCli cli = new TestingCli(server.url(), token);
    TestingCli.Result list = cli.run("notebook", "list", "-p", "vision");
    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(list.out()).contains("lab").contains("Running").contains("1h");
    TestingCli.Result open = cli.run("notebook", "open", "lab", "-p", "vision");
    assertThat(open.exitCode()).as(open.err()).isZero();
    String link = open.out().trim();
    assertThat(link).startsWith(base + "?capstan-login=");
    HttpClient browser =
        HttpClient.newBuilder()
            .cookieHandler(new java.net.CookieManager())
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    HttpResponse<String> page =
        browser.send(
            HttpRequest.newBuilder(URI.create(link)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.uri().getPath()).isEqualTo("/notebooks/vision/lab/tree");
    answers.add(page.body());
    HttpResponse<String> status =
        browser.send(
            HttpRequest.newBuilder(URI.create(base + "api/status")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(status.statusCode()).isEqualTo(200);
    HttpResponse<String> forged =
        browser.send(
            HttpRequest.newBuilder(URI.create(base + "api/kernels"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(forged.statusCode()).isEqualTo(403);
    HttpResponse<String> again =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(link)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).isEqualTo(401);
  }

  private static void awaitPhase(String token, String project, String name, String phase) {
    new TestingNotebooks(http, project).awaitPhase(token, name, phase);
  }

  private static String job(String token, String project, String name) {
    return JSON.readTree(
            http.get(token, "/api/v1/projects/" + project + "/notebooks/" + name).body())
        .get("job")
        .asString();
  }

  private static String startKernel(TestingNotebooks notebooks, String token, String base)
      throws Exception {
    JsonNode kernel = notebooks.startKernel(token, base);
    answers.add(kernel.toString());
    return kernel.get("id").asString();
  }

  private static String workspaceFile(String token, String base) throws Exception {
    HttpResponse<String> file = proxied(token, base + "api/contents/keep.txt?content=1");
    assertThat(file.statusCode()).as(file.body()).isEqualTo(200);
    return JSON.readTree(file.body()).get("content").asString();
  }

  private static HttpResponse<String> proxied(String token, String url) throws Exception {
    HttpResponse<String> answer = send(token, HttpRequest.newBuilder(URI.create(url)).GET());
    answers.add(answer.body());
    return answer;
  }

  private static HttpResponse<String> send(String token, HttpRequest.Builder request)
      throws IOException, InterruptedException {
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient()
        .send(
            request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The Jupyter token of workload {@code job}, derived as the control plane does. */
  private static String token(String userToken, String project, String job) throws Exception {
    String uid =
        JSON.readTree(http.get(userToken, "/api/v1/projects/" + project + "/jobs/" + job).body())
            .get("uid")
            .asString();
    byte[] key = HexFormat.of().parseHex(Files.readString(data.resolve("notebook.key")).trim());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(uid.getBytes(StandardCharsets.UTF_8)));
  }

  private static String torchVersion() throws Exception {
    Process python =
        new ProcessBuilder("/usr/bin/python3", "-c", "import torch; print(torch.__version__)")
            .redirectErrorStream(true)
            .start();
    String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    python.waitFor();
    return out;
  }
}
