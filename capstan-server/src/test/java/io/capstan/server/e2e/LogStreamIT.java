package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.server.CapstanServer;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A job's log over the REST API and the CLI: {@code tail} as the user means it, and a followed log
 * that ends when its reader loses access, as a new request would be refused; a reader that hangs up
 * is one line in the log, not an internal error.
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class LogStreamIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-logs-it");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("capstan.data-dir", DATA::toString);
    registry.add("capstan.home", () -> ServerFixture.repository().toString());
    registry.add("capstan.stop-grace-period", () -> "3s");
  }

  @Value("${local.server.port}")
  int port;

  private TestingHttp http;
  private String admin;

  @BeforeEach
  void setUp() {
    http = new TestingHttp(url());
    admin = ServerFixture.adminToken(DATA);
  }

  @Test
  void tailZeroPrintsNoLinesAndANegativeTailIsRefusedNamingIt() {
    String path = logsOf("default", printingJob(admin, "default", "three-lines", 3));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.get(admin, path).body().contains("line 3"));

    assertThat(http.get(admin, path + "&tail=1").body()).isEqualTo("line 3\n");
    TestingHttp.Answer none = http.get(admin, path + "&tail=0");
    assertThat(none.status()).isEqualTo(200);
    assertThat(none.body()).isEmpty();
    TestingHttp.Answer negative = http.get(admin, path + "&tail=-1");
    assertThat(negative.status()).isEqualTo(400);
    JsonNode error = JSON.readTree(negative.body());
    assertThat(error.get("field").asString()).isEqualTo("tail");
    assertThat(error.get("message").asString()).contains("at least 0, but was -1");
  }

  @Test
  void followingWithTailZeroPrintsOnlyNewLines() throws Exception {
    String job = tickingJob(admin, "default", "ticker-tail");
    TestingCli cli = new TestingCli(url(), admin);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> cli.run("logs", job, "--tail", "1").out().contains("tick 3"));

    TestingCli.Running follow = cli.start("logs", job, "-f", "--tail", "0");
    await().atMost(Duration.ofSeconds(10)).until(() -> follow.outSoFar().contains("tick"));

    String first = follow.outSoFar().lines().findFirst().orElseThrow();
    assertThat(Integer.parseInt(first.substring("tick ".length()))).isGreaterThan(3);
    http.post(admin, "/api/v1/projects/default/jobs/" + job + "/cancel", null, "");
    assertThat(follow.result().get(30, TimeUnit.SECONDS).exitCode()).isZero();
  }

  @Test
  void aFollowedLogEndsWithinASecondOfItsTokenBeingDeleted() throws Exception {
    String alice = ServerFixture.userWithProject(http, admin, "alice", "vision");
    String job = tickingJob(alice, "vision", "ticker-token");
    TestingCli.Running follow =
        new TestingCli(url(), alice).start("logs", job, "-f", "--project", "vision");
    await().atMost(Duration.ofSeconds(30)).until(() -> follow.outSoFar().contains("tick 2"));

    String tokens = "/api/v1/users/alice/tokens";
    String id = JSON.readTree(http.get(admin, tokens).body()).get(0).get("id").asString();
    assertThat(http.delete(admin, tokens + "/" + id).status()).isEqualTo(204);
    long deleted = System.nanoTime();

    TestingCli.Result ended = follow.result().get(10, TimeUnit.SECONDS);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deleted);
    assertThat(millis).as("the stream ended %d ms after the deletion", millis).isLessThan(1_000);
    assertThat(ended.out()).endsWith("capstan: log stream ended: access was revoked" + REASON);
    assertThat(ended.exitCode()).as("as a 401").isEqualTo(4);
    assertThat(http.get(alice, logsOf("vision", job)).status()).isEqualTo(401);
    assertThat(jobPhase("vision", job)).as("only the reader is cut off").isEqualTo("Running");
    // Its replica would outlive the test's server otherwise (replicas survive their server).
    http.post(admin, "/api/v1/projects/vision/jobs/" + job + "/cancel", null, "");
  }

  @Test
  void aFollowedLogEndsWhenItsReaderIsRemovedFromTheProject() throws Exception {
    String carol = ServerFixture.userWithProject(http, admin, "carol", "audio");
    String dave = ServerFixture.userWithProject(http, admin, "dave", "dave-own");
    String members = "/api/v1/projects/audio/members";
    assertThat(http.put(carol, members, "{\"user\":\"dave\",\"role\":\"viewer\"}").status())
        .isEqualTo(200);
    String job = tickingJob(carol, "audio", "ticker-member");
    TestingCli.Running daveFollows =
        new TestingCli(url(), dave).start("logs", job, "-f", "--project", "audio");
    TestingCli.Running carolFollows =
        new TestingCli(url(), carol).start("logs", job, "-f", "--project", "audio");
    await().atMost(Duration.ofSeconds(30)).until(() -> daveFollows.outSoFar().contains("tick 2"));

    assertThat(http.delete(carol, members + "/dave").status()).isEqualTo(204);

    TestingCli.Result ended = daveFollows.result().get(10, TimeUnit.SECONDS);
    assertThat(ended.out()).endsWith("capstan: log stream ended: access was revoked" + REASON);
    assertThat(ended.exitCode()).isEqualTo(4);
    assertThat(ended.err()).contains("access was revoked");
    String before = carolFollows.outSoFar();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> carolFollows.outSoFar().length() > before.length());
    assertThat(carolFollows.result()).as("a member who keeps access keeps following").isNotDone();
    http.post(carol, "/api/v1/projects/audio/jobs/" + job + "/cancel", null, "");
  }

  @Test
  void aClientThatHangsUpIsLoggedAsOneLineNotAnInternalError(CapturedOutput output)
      throws Exception {
    String job = tickingJob(admin, "default", "ticker-gone");
    String logs = logsOf("default", job) + "&follow=true";
    String upload = "/api/v1/projects/default/models/gone/versions";
    int logged = output.getAll().length();

    // Ctrl-C on 'capstan logs -f' (the socket closes), a killed client (a reset), an upload cut
    // off.
    hangUp("GET " + logs, "", false);
    hangUp("GET " + logs, "", true);
    hangUp("POST " + upload, "Content-Length: 10000000\r\n", true);

    String logsLine =
        "Client disconnected before the answer to GET /api/v1/projects/default/jobs/ticker-gone/logs"
            + " was complete";
    String uploadLine = "Client disconnected before the answer to POST " + upload + " was complete";
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                occurrences(output.getAll().substring(logged), logsLine) == 2
                    && output.getAll().substring(logged).contains(uploadLine));
    http.post(admin, "/api/v1/projects/default/jobs/" + job + "/cancel", null, "");
    String after = output.getAll().substring(logged);
    assertThat(after).doesNotContain("Internal error", " ERROR ", "\tat ");
    assertThat(occurrences(after, "Client disconnected")).isEqualTo(3);
  }

  /**
   * Sends a request head (and a first chunk of body when it declares one), reads the first bytes of
   * a streamed answer, then hangs up: closing the socket, or resetting it as a killed client does.
   */
  private void hangUp(String requestLine, String headers, boolean reset) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      String head =
          requestLine
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
              + admin
              + "\r\nContent-Type: application/octet-stream\r\n"
              + headers
              + "\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      if (headers.isEmpty()) {
        InputStream in = socket.getInputStream();
        StringBuilder seen = new StringBuilder();
        while (!seen.toString().contains("tick")) {
          seen.append((char) in.read());
        }
      } else {
        socket.getOutputStream().write(new byte[1 << 20]);
        socket.getOutputStream().flush();
      }
      if (reset) {
        socket.setSoLinger(true, 0);
      }
    }
  }

  private static long occurrences(String text, String part) {
    return text.lines().filter(line -> line.contains(part)).count();
  }

  private static final String REASON = " (token deleted or membership removed)\n";

  /** A job that prints {@code tick N} ten times a second until cancelled. */
  private String tickingJob(String token, String project, String name) {
    return submit(
        token, project, name, "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.1; done");
  }

  /** A job that prints {@code line 1} to {@code line N} and succeeds. */
  private String printingJob(String token, String project, String name, int lines) {
    return submit(token, project, name, "for i in $(seq 1 " + lines + "); do echo line $i; done");
  }

  private String submit(String token, String project, String name, String script) {
    String spec =
        """
        apiVersion: capstan.io/v1
        kind: TrainingJob
        metadata: {name: %s}
        spec:
          replicas:
            - role: worker
              count: 1
              command: [sh, -c, "%s"]
        """
            .formatted(name, script);
    TestingHttp.Answer answer =
        http.post(token, "/api/v1/projects/" + project + "/jobs", "application/yaml", spec);
    assertThat(answer.status()).as(answer.body()).isEqualTo(201);
    return JSON.readTree(answer.body()).get("name").asString();
  }

  private String jobPhase(String project, String job) {
    return JSON.readTree(http.get(admin, "/api/v1/projects/" + project + "/jobs/" + job).body())
        .get("status")
        .get("phase")
        .asString();
  }

  private static String logsOf(String project, String job) {
    return "/api/v1/projects/" + project + "/jobs/" + job + "/logs?replica=worker-0";
  }

  private String url() {
    return "http://127.0.0.1:" + port;
  }
}
