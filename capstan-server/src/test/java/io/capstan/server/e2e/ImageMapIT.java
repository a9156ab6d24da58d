package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.server.CapstanServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The image map against the real server (decisions 82, 83): read by every user, changed by admins
 * through the API and the CLI and audited, a bad entry refused naming its field, a hand-broken file
 * reported while the last good map stays; and a Kubeflow PyTorchJob with args only, whose image the
 * map gives code at {@code /opt/mnist-demo}, a working directory and an entrypoint, runs to
 * Succeeded in its sandbox.
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ImageMapIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-image-map-it");
  private static final Path CODE = imageCode();
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String IMAGE = "registry.example.com/team/mnist-demo:v3";
  private static final String ARGS_ONLY =
      """
      apiVersion: kubeflow.org/v1
      kind: PyTorchJob
      metadata: {name: NAME}
      spec:
        pytorchReplicaSpecs:
          Worker:
            replicas: 1
            restartPolicy: Never
            template:
              spec:
                containers:
                  - name: pytorch
                    image: IMAGE
                    args: ["--epochs=1", "--lr", "0.5"]
                    workingDir: /opt/mnist-demo/src
                    resources: {limits: {cpu: 500m, memory: 256Mi}}
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
  private TestingCli cli;
  private String admin;

  @BeforeEach
  void setUp() {
    admin = ServerFixture.adminToken(DATA);
    http = new TestingHttp("http://127.0.0.1:" + port);
    cli = new TestingCli("http://127.0.0.1:" + port, admin);
  }

  @Test
  void usersReadTheMapAdminsChangeItAndEveryChangeIsAudited() {
    String alice = ServerFixture.userWithProject(http, admin, "alice", "alpha");

    TestingHttp.Answer read = http.get(alice, "/api/v1/environments");
    assertThat(read.status()).as(read.body()).isEqualTo(200);
    assertThat(patterns(JSON.readTree(read.body()))).contains("*", "capstan/examples*");
    String entry = entry("team/*", "/opt/team", CODE.toString());
    assertThat(http.put(alice, "/api/v1/environments", entry).status()).isEqualTo(403);

    TestingHttp.Answer bad =
        http.put(admin, "/api/v1/environments", entry("team/*", "/opt/team", "relative/code"));
    assertThat(bad.status()).as(bad.body()).isEqualTo(400);
    JsonNode error = JSON.readTree(bad.body());
    assertThat(error.get("field").asString()).isEqualTo("images[\"team/*\"].code./opt/team");
    assertThat(error.get("message").asString())
        .contains("code folder '/opt/team' of image entry 'team/*'", "'relative/code'");

    TestingHttp.Answer set = http.put(admin, "/api/v1/environments", entry);
    assertThat(set.status()).as(set.body()).isEqualTo(200);
    assertThat(JSON.readTree(set.body()).get("origin").asString()).isEqualTo("file");
    assertThat(DATA.resolve("images.yaml")).content().contains("team/*", "/opt/team");
    assertThat(http.delete(alice, "/api/v1/environments?pattern=team%2F*").status()).isEqualTo(403);
    assertThat(http.delete(admin, "/api/v1/environments?pattern=*").status())
        .as("a built-in entry is replaced, never deleted")
        .isEqualTo(409);
    assertThat(http.delete(admin, "/api/v1/environments?pattern=team%2F*").status()).isEqualTo(204);
    assertThat(http.get(alice, "/api/v1/environments?pattern=team%2F*").status()).isEqualTo(404);

    List<JsonNode> events = events("/api/v1/audit?kind=environment");
    JsonNode change =
        only(events, e -> e.get("action").asString().equals("set") && status(e) == 200);
    assertThat(change.get("actor").asString()).isEqualTo("admin");
    assertThat(change.get("objectName").asString()).isEqualTo("team/*");
    assertThat(change.get("after").get("code").get("/opt/team").asString())
        .isEqualTo(CODE.toString());
    JsonNode refused =
        only(
            events,
            e ->
                e.get("actor").asString().equals("alice")
                    && e.get("action").asString().equals("set"));
    assertThat(refused.get("outcome").asString()).isEqualTo("refused");
    JsonNode deleted =
        only(events, e -> e.get("action").asString().equals("delete") && status(e) == 204);
    assertThat(deleted.get("before").get("pattern").asString()).isEqualTo("team/*");
  }

  @Test
  void aHandBrokenFileIsReportedAndTheLastGoodMapStaysInUse() throws IOException {
    TestingCli.Result set =
        cli.run("env", "set", "handmade/*", "--python", "/opt/handmade/python", "--entrypoint", "");
    assertThat(set.exitCode()).as(set.err()).isZero();
    String good = Files.readString(DATA.resolve("images.yaml"));

    try {
      Files.writeString(
          DATA.resolve("images.yaml"), good.replace("python: /opt/handmade/python", "pyhton: x"));

      TestingCli.Result listed = cli.run("env", "list");
      assertThat(listed.out()).contains("handmade/*", "/opt/handmade/python");
      assertThat(listed.err())
          .contains("cannot be used", "image entry 'handmade/*'", "found 'pyhton'");
      TestingCli.Result refused = cli.run("env", "set", "other/*", "--python", "python3");
      assertThat(refused.exitCode()).isNotZero();
      assertThat(refused.err()).contains("fix it by hand first");
    } finally {
      Files.writeString(DATA.resolve("images.yaml"), good);
    }
    assertThat(cli.run("env", "delete", "handmade/*").exitCode()).isZero();
  }

  @Test
  void anArgsOnlyPyTorchJobRunsTheImagesEntrypointInItsWorkingDirectory() {
    TestingHttp.Answer refused =
        http.post(
            admin,
            "/api/v1/projects/default/jobs",
            "application/yaml",
            ARGS_ONLY.replace("NAME", "no-entrypoint").replace("IMAGE", IMAGE));
    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    JsonNode error = JSON.readTree(refused.body());
    assertThat(error.get("field").asString())
        .isEqualTo("spec.pytorchReplicaSpecs.Worker.template.spec.containers[0].command");
    assertThat(error.get("message").asString())
        .contains("args but no command", "'" + IMAGE + "' no entrypoint");

    TestingCli.Result mapped =
        cli.run(
            "env",
            "set",
            "registry.example.com/team/mnist-demo:*",
            "--python",
            "/usr/bin/python3",
            "--code",
            "/opt/mnist-demo=" + CODE,
            "--workdir",
            "/opt/mnist-demo",
            "--entrypoint",
            "python3",
            "--entrypoint",
            "train.py",
            "--env",
            "DEMO_FLAVOR=mapped");
    assertThat(mapped.exitCode()).as(mapped.err()).isZero();

    TestingHttp.Answer submitted =
        http.post(
            admin,
            "/api/v1/projects/default/jobs",
            "application/yaml",
            ARGS_ONLY.replace("NAME", "args-only").replace("IMAGE", IMAGE));
    assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);

    JsonNode job = awaitFinished("args-only");
    String log = log("args-only", "worker-0");
    assertThat(job.get("status").get("phase").asString()).as(log).isEqualTo("Succeeded");
    assertThat(log)
        .as("the spec's workingDir wins over the image's")
        .contains("cwd /opt/mnist-demo/src")
        .contains("args ['--epochs=1', '--lr', '0.5']")
        .contains("flavor mapped")
        .contains("rank 0 of 1")
        .contains("code is read-only");
    assertThat(CODE.resolve("src").resolve("written")).doesNotExist();
  }

  /** The image's code: {@code src/train.py} (its working directory), readable by every user. */
  private static Path imageCode() {
    try {
      Path code = Files.createTempDirectory("capstan-image-code");
      Path src = Files.createDirectories(code.resolve("src"));
      Files.writeString(
          src.resolve("train.py"),
          """
          import os, sys
          print('cwd', os.getcwd())
          print('args', sys.argv[1:])
          print('flavor', os.environ.get('DEMO_FLAVOR'))
          print('rank', os.environ['RANK'], 'of', os.environ['WORLD_SIZE'])
          try:
              open('written', 'w').write('x')
              print('code is writable')
          except OSError:
              print('code is read-only')
          """);
      for (Path path : List.of(code, src)) {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      Files.setPosixFilePermissions(
          src.resolve("train.py"), PosixFilePermissions.fromString("rw-r--r--"));
      return code;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String entry(String pattern, String containerPath, String hostFolder) {
    return "{\"pattern\":\""
        + pattern
        + "\",\"code\":{\""
        + containerPath
        + "\":\""
        + hostFolder
        + "\"},\"entrypoint\":[\"python3\"]}";
  }

  private static List<String> patterns(JsonNode list) {
    List<String> patterns = new ArrayList<>();
    list.get("entries").forEach(e -> patterns.add(e.get("pattern").asString()));
    return patterns;
  }

  private List<JsonNode> events(String path) {
    TestingHttp.Answer answer = http.get(admin, path);
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    List<JsonNode> events = new ArrayList<>();
    JSON.readTree(answer.body()).get("events").forEach(events::add);
    return events;
  }

  private static int status(JsonNode event) {
    return event.get("status").asInt();
  }

  private static JsonNode only(List<JsonNode> events, Predicate<JsonNode> which) {
    List<JsonNode> matching = events.stream().filter(which).toList();
    assertThat(matching).as("in %s", events).hasSize(1);
    return matching.get(0);
  }

  private JsonNode job(String name) {
    TestingHttp.Answer answer = http.get(admin, "/api/v1/projects/default/jobs/" + name);
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  private JsonNode awaitFinished(String name) {
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              String phase = job(name).get("status").get("phase").asString();
              return phase.equals("Succeeded") || phase.equals("Failed");
            });
    return job(name);
  }

  private String log(String name, String replica) {
    return http.get(admin, "/api/v1/projects/default/jobs/" + name + "/logs?replica=" + replica)
        .body();
  }
}
