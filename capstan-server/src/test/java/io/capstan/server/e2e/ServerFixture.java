package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.server.model.TestingOnnx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import tools.jackson.databind.json.JsonMapper;

/** Paths and processes shared by the end-to-end tests: the repository, a data dir, replicas. */
final class ServerFixture {
  private ServerFixture() {}

  /** The repository root (tests run in the module directory). */
  static Path repository() {
    return Path.of("..").toAbsolutePath().normalize();
  }

  /**
   * Creates a user (as the installation admin {@code admin}) with an API token, and a project that
   * user creates and so administers; returns the token.
   */
  static String userWithProject(TestingHttp http, String admin, String user, String project) {
    TestingHttp.Answer created =
        http.post(
            admin,
            "/api/v1/users",
            "application/json",
            "{\"name\":\"" + user + "\",\"admin\":false}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    TestingHttp.Answer token =
        http.post(
            admin, "/api/v1/users/" + user + "/tokens", "application/json", "{\"name\":\"test\"}");
    assertThat(token.status()).as(token.body()).isEqualTo(201);
    String secret = JsonMapper.builder().build().readTree(token.body()).get("token").asString();
    TestingHttp.Answer made =
        http.post(
            secret,
            "/api/v1/projects",
            "application/json",
            "{\"name\":\"" + project + "\",\"description\":\"team\"}");
    assertThat(made.status()).as(made.body()).isEqualTo(201);
    return secret;
  }

  /** Registers version 1 of {@code model} in {@code project}: a tiny real ONNX file. */
  static void registerLinearModel(TestingHttp http, String token, String project, String model) {
    try {
      TestingHttp.Answer answer =
          http.postBytes(
              token,
              "/api/v1/projects/" + project + "/models/" + model + "/versions",
              "application/octet-stream",
              Files.readAllBytes(TestingOnnx.linear()));
      assertThat(answer.status()).as(answer.body()).isEqualTo(201);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The phase of job {@code job} of {@code project}, as GET answers it. */
  static String jobPhase(TestingHttp http, String token, String project, String job) {
    return JsonMapper.builder()
        .build()
        .readTree(http.get(token, "/api/v1/projects/" + project + "/jobs/" + job).body())
        .get("status")
        .get("phase")
        .asString();
  }

  /**
   * Submits a TrainingJob {@code name} of one worker (100m CPU, 64Mi) that runs {@code sh -c
   * command}, as {@code token}; asserts that it was accepted.
   */
  static void submitShellJob(
      TestingHttp http, String token, String project, String name, String command) {
    TestingHttp.Answer answer =
        http.post(
            token,
            "/api/v1/projects/" + project + "/jobs",
            "application/yaml",
            """
            apiVersion: capstan.io/v1
            kind: TrainingJob
            metadata: {name: %s}
            spec:
              replicas:
                - role: worker
                  count: 1
                  resources: {cpu: 100m, memory: 64Mi}
                  command: [sh, -c, %s]
            """
                .formatted(name, JsonMapper.builder().build().writeValueAsString(command)));
    assertThat(answer.status()).as(answer.body()).isEqualTo(201);
  }

  /**
   * Creates version 1 of dataset {@code name} of {@code project} from {@code files} (path, text),
   * with the real CLI.
   */
  static void dataset(String url, String token, String project, String name, String... files) {
    try {
      Path folder = Files.createTempDirectory(name);
      for (int i = 0; i + 1 < files.length; i += 2) {
        Files.writeString(folder.resolve(files[i]), files[i + 1]);
      }
      TestingCli.Result created =
          new TestingCli(url, token)
              .run("data", "create", name, "--from", folder.toString(), "-p", project);
      assertThat(created.exitCode()).as(created.err()).isZero();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The log of replica {@code worker-0} of job {@code job} of {@code project}. */
  static String jobLog(TestingHttp http, String token, String project, String job) {
    return http.get(
            token, "/api/v1/projects/" + project + "/jobs/" + job + "/logs?replica=worker-0")
        .body();
  }

  static Path newDataDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Kills every replica the local runtime of {@code dataDir} still runs (each supervisor and what
   * it started): replicas outlive their control plane by design, so a test that stops its server
   * with a service or job still up must not leave their processes behind.
   */
  static void killReplicas(Path dataDir) {
    Path replicas = dataDir.resolve("runtime").resolve("replicas");
    if (!Files.isDirectory(replicas)) {
      return;
    }
    try (java.util.stream.Stream<Path> dirs = Files.list(replicas)) {
      for (Path pid : dirs.map(dir -> dir.resolve("pid")).filter(Files::isRegularFile).toList()) {
        ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()))
            .ifPresent(
                supervisor -> {
                  supervisor.descendants().forEach(ProcessHandle::destroyForcibly);
                  supervisor.destroyForcibly();
                });
      }
    } catch (IOException | NumberFormatException e) {
      throw new IllegalStateException("Cannot stop the replicas under " + replicas, e);
    }
  }

  /** The regular files under {@code dir}, sorted; none when it does not exist. */
  static java.util.List<Path> filesUnder(Path dir) {
    if (!Files.exists(dir)) {
      return java.util.List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String adminToken(Path dataDir) {
    try {
      return Files.readString(dataDir.resolve("admin.token")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The pid of the training process of a replica (not its supervisor), found by the environment
   * Capstan gave it, as an operator would with {@code ps e}.
   */
  static long replicaProcess(String jobUid, String replica, String commandPart) {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs
          .filter(p -> p.getFileName().toString().matches("\\d+"))
          .filter(p -> contains(p.resolve("cmdline"), commandPart))
          .filter(p -> !isShell(p.resolve("cmdline")))
          .filter(p -> contains(p.resolve("environ"), "CAPSTAN_JOB_UID=" + jobUid + "\0"))
          .filter(p -> contains(p.resolve("environ"), "CAPSTAN_REPLICA=" + replica + "\0"))
          .mapToLong(p -> Long.parseLong(p.getFileName().toString()))
          .findFirst()
          .orElse(-1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The supervisor ({@code /bin/sh supervisor.sh ...}), the sandbox ({@code setsid bwrap ...}) and
   * its init ({@code sh -c ... capstan-init ...}) name the command too; the training process is
   * none of them.
   */
  private static boolean isShell(Path cmdline) {
    return contains(cmdline, "supervisor.sh\0")
        || contains(cmdline, "capstan-init\0")
        || startsWith(cmdline, "bwrap\0")
        || startsWith(cmdline, "setsid\0");
  }

  private static boolean startsWith(Path file, String text) {
    try {
      return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8)
          .startsWith(text);
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean contains(Path file, String text) {
    try {
      return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8)
          .contains(text);
    } catch (IOException e) {
      return false; // the process exited or is not ours to read
    }
  }

  static void kill9(long pid) {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
  }

  /** How often {@code needle} occurs in {@code text}. */
  static int occurrences(String text, String needle) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(needle)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
