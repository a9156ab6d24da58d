package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.capstan.server.CapstanServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Katib Experiments run unchanged through the CLI, with trials as real jobs: the DDP example tuned
 * by random search (the shipped {@code examples/katib-random.yaml}) and by TPE, finishing with the
 * best trial, its metrics and its model registered with the command {@code get} prints; the median
 * rule stopping a bad trial; stop and resume losing no trial; an objective never reported failing
 * the experiment with the reason.
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ExperimentIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-experiment-it");
  private static final Path EXAMPLES = ServerFixture.repository().resolve("examples");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("capstan.data-dir", DATA::toString);
    registry.add("capstan.home", () -> ServerFixture.repository().toString());
    registry.add("capstan.stop-grace-period", () -> "2s");
  }

  @Value("${local.server.port}")
  int port;

  private TestingCli cli;
  private TestingHttp http;
  private String admin;

  @BeforeEach
  void setUp() {
    admin = ServerFixture.adminToken(DATA);
    cli = new TestingCli("http://127.0.0.1:" + port, admin);
    http = new TestingHttp("http://127.0.0.1:" + port);
  }

  @Test
  void theDdpExampleTunedByRandomSearchAndTpeFinishesWithTheBestTrialsModelOneCommandAway()
      throws Exception {
    Path random = EXAMPLES.resolve("katib-random.yaml");
    // TPE over the same template with its Master alone (one rank), to keep the test short on a
    // small machine: a 2-rank trial costs about a minute of CPU, most of it importing torch.
    String example = Files.readString(random);
    String tpe =
        example
            .substring(0, example.indexOf("          Worker:"))
            .replace("name: random-ddp", "name: tpe-ddp")
            .replace("algorithmName: random", "algorithmName: tpe")
            .replace("maxTrialCount: 3", "maxTrialCount: 2");
    Path tpeFile = DATA.resolve("katib-tpe.yaml");
    Files.writeString(tpeFile, tpe);
    ok(cli.run("experiment", "create", "-f", random.toString()));
    ok(cli.run("experiment", "create", "-f", tpeFile.toString()));

    JsonNode done = awaitPhase("random-ddp", "Succeeded");
    assertThat(done.get("reason").asString()).isEqualTo("MaxTrialsReached");
    assertThat(done.get("trials").get("succeeded").asInt()).isEqualTo(3);
    JsonNode best = done.get("bestTrial");
    assertThat(best.get("metrics").get("loss").asDouble()).isPositive();
    assertThat(best.get("assignments").get("lr").asString()).isNotEmpty();
    JsonNode job = JSON.readTree(ok(cli.run("get", best.get("job").asString(), "-o", "json")));
    assertThat(job.get("spec").get("sourceKind").asString()).isEqualTo("PyTorchJob");
    assertThat(job.get("status").get("phase").asString()).isEqualTo("Succeeded");

    String shown = ok(cli.run("experiment", "get", "random-ddp"));
    assertThat(shown)
        .contains("Succeeded (MaxTrialsReached)", "Best trial:  " + best.get("name").asString());
    String register =
        shown
            .lines()
            .filter(line -> line.startsWith("Register its model: capstan "))
            .findFirst()
            .orElseThrow()
            .substring("Register its model: capstan ".length());
    assertThat(ok(cli.run(register.split(" ")))).contains("Registered random-ddp:1");
    assertThat(ok(cli.run("experiment", "trials", "random-ddp")))
        .contains("Succeeded", "lr=", "epochs=");
    assertThat(ok(cli.run("experiment", "list"))).contains("random-ddp", "tpe-ddp");

    JsonNode tpeDone = awaitPhase("tpe-ddp", "Succeeded");
    assertThat(tpeDone.get("algorithm").asString()).isEqualTo("tpe");
    assertThat(tpeDone.get("trials").get("succeeded").asInt()).isEqualTo(2);
    assertThat(tpeDone.get("bestTrial").get("objective").asDouble()).isPositive();

    ok(cli.run("experiment", "delete", "tpe-ddp"));
    await().atMost(TIMEOUT).until(() -> cli.run("experiment", "get", "tpe-ddp").exitCode() != 0);
    assertThat(ok(cli.run("list"))).doesNotContain("tpe-ddp-");
  }

  @Test
  void theMedianRuleStopsABadTrialEarly() throws Exception {
    create(
        script(
                "median",
                "grid",
                1,
                3,
                "",
                "- name: quality\n      parameterType: categorical\n      feasibleSpace: {list: [good, fine, bad]}",
                "quality")
            .replace(
                "  parallelTrialCount",
                "  earlyStopping:\n    algorithmName: medianstop\n    algorithmSettings:\n"
                    + "      - {name: min_trials_required, value: \"2\"}\n"
                    + "      - {name: start_step, value: \"2\"}\n  parallelTrialCount"));
    JsonNode done = awaitPhase("median", "Succeeded");
    JsonNode trials = trials("median");
    assertThat(trials.get(0).get("phase").asString()).isEqualTo("Succeeded");
    assertThat(trials.get(1).get("phase").asString()).isEqualTo("Succeeded");
    JsonNode bad = trials.get(2);
    assertThat(bad.get("assignments").get("quality").asString()).isEqualTo("bad");
    assertThat(bad.get("phase").asString()).isEqualTo("EarlyStopped");
    assertThat(bad.get("message").asString()).contains("median rule");
    assertThat(done.get("trials").get("earlyStopped").asInt()).isEqualTo(1);
    JsonNode job = JSON.readTree(ok(cli.run("get", bad.get("job").asString(), "-o", "json")));
    assertThat(job.get("status").get("phase").asString()).isEqualTo("Cancelled");
  }

  @Test
  void stopAndResumeLoseNoTrial() throws Exception {
    create(script("pause", "random", 1, 3, "resumePolicy: LongRunning", LR, "lr"));
    await().atMost(TIMEOUT).until(() -> trials("pause").size() >= 1);
    assertThat(ok(cli.run("experiment", "stop", "pause"))).contains("stopped");
    int created = trials("pause").size();
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              for (JsonNode trial : trials("pause")) {
                if (!trial.get("phase").asString().equals("Succeeded")) {
                  return false;
                }
              }
              return true;
            });
    // The trials that ran when it stopped finished and were kept; no new one started.
    assertThat(trials("pause")).hasSize(created);
    assertThat(experiment("pause").get("phase").asString()).isEqualTo("Stopped");

    assertThat(ok(cli.run("experiment", "resume", "pause"))).contains("running");
    JsonNode done = awaitPhase("pause", "Succeeded");
    assertThat(done.get("trials").get("succeeded").asInt()).isEqualTo(3);
    JsonNode trials = trials("pause");
    for (int i = 0; i < 3; i++) {
      assertThat(trials.get(i).get("index").asInt()).isEqualTo(i);
      assertThat(trials.get(i).get("phase").asString()).isEqualTo("Succeeded");
    }
  }

  @Test
  void anObjectiveNeverReportedFailsTheExperimentAndBadInputIsRefusedNamingTheField()
      throws Exception {
    create(script("silent", "random", 1, 3, "", LR, "lr").replace("loss=", "accuracy="));
    JsonNode failed = awaitPhase("silent", "Failed");
    assertThat(failed.get("reason").asString()).isEqualTo("ObjectiveMetricNotReported");
    assertThat(failed.get("message").asString()).contains("'loss'");
    assertThat(trials("silent").get(0).get("phase").asString()).isEqualTo("MetricsUnavailable");

    TestingHttp.Answer bad =
        http.post(
            admin,
            "/api/v1/projects/default/experiments",
            "application/yaml",
            script("bad", "annealing", 1, 3, "", LR, "lr"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).contains("spec.algorithm.algorithmName", "annealing");
    assertThat(http.get(admin, "/api/v1/projects/default/experiments/nope").status())
        .isEqualTo(404);

    // Scoped like jobs: a viewer reads but cannot stop; a non-member is told it does not exist.
    ok(cli.run("user", "create", "vera"));
    ok(cli.run("user", "create", "nora"));
    ok(cli.run("project", "add-member", "default", "vera", "--role", "viewer"));
    String vera = ok(cli.run("token", "create", "--user", "vera", "--name", "it")).trim();
    String nora = ok(cli.run("token", "create", "--user", "nora", "--name", "it")).trim();
    String silent = "/api/v1/projects/default/experiments/silent";
    assertThat(http.get(vera, silent).status()).isEqualTo(200);
    assertThat(http.post(vera, silent + "/stop", null, "").status()).isEqualTo(403);
    assertThat(http.get(nora, silent).status()).isEqualTo(404);
    assertThat(http.get(nora, silent + "/trials").status()).isEqualTo(404);
  }

  @Test
  void aKatibFileCollectorsTrialWritingWhereKatibReadsFinishesAndResumesWithMoreTrials()
      throws Exception {
    // Katib's File collector: the trial writes /var/log/katib/metrics.log and prints nothing.
    String code =
        "import sys\\n"
            + "lr = float(sys.argv[1])\\n"
            + "with open('/var/log/katib/metrics.log', 'a') as f:\\n"
            + "    for epoch in range(3):\\n"
            + "        f.write(f'epoch={epoch} loss={lr / (epoch + 1)}\\\\n')\\n";
    create(
        script("katibfile", "random", 2, 2, "resumePolicy: LongRunning", LR, "lr")
            .replaceFirst(
                "command: \\[python3, -c, \"[^\"]*\"",
                Matcher.quoteReplacement("command: [python3, -c, \"" + code + "\""))
            .replace(
                "  parallelTrialCount",
                "  metricsCollectorSpec:\n    collector: {kind: File}\n    source:\n"
                    + "      fileSystemPath: {path: /var/log/katib/metrics.log, kind: File,"
                    + " format: TEXT}\n  parallelTrialCount"));
    JsonNode done = awaitPhase("katibfile", "Succeeded");
    assertThat(done.get("reason").asString()).isEqualTo("MaxTrialsReached");
    assertThat(done.get("trials").get("succeeded").asInt()).isEqualTo(2);
    double best = done.get("bestTrial").get("objective").asDouble();
    for (JsonNode trial : trials("katibfile")) {
      double lr = Double.parseDouble(trial.get("assignments").get("lr").asString());
      // The objective is the loss's minimum, written at the last epoch: lr / 3.
      assertThat(trial.get("objective").asDouble()).isCloseTo(lr / 3, within(1e-9));
      assertThat(trial.get("objective").asDouble()).isGreaterThanOrEqualTo(best);
    }

    // Katib's restart of a finished experiment: a larger maxTrialCount, one more trial.
    TestingCli.Result small = cli.run("experiment", "resume", "katibfile", "--max-trials", "2");
    assertThat(small.exitCode()).isNotZero();
    assertThat(small.err()).contains("greater than the 2 trials", "maxTrialCount");
    assertThat(ok(cli.run("experiment", "resume", "katibfile", "--max-trials", "3")))
        .contains("experiment katibfile running");
    JsonNode more = awaitPhase("katibfile", "Succeeded");
    assertThat(more.get("maxTrialCount").asInt()).isEqualTo(3);
    assertThat(more.get("trials").get("succeeded").asInt()).isEqualTo(3);
  }

  private static final String LR =
      "- name: lr\n      parameterType: double\n      feasibleSpace: {min: \"0.01\", max: \"0.1\"}";

  /**
   * An experiment whose trials run a one-replica PyTorchJob with a tiny Python script that prints
   * {@code epoch=N loss=X} five times a few tenths of a second apart: the loss is 10 for {@code
   * bad}, else 1/(epoch+1).
   */
  private static String script(
      String name,
      String algorithm,
      int parallel,
      int max,
      String extra,
      String parameter,
      String reference) {
    String code =
        "import sys, time\\n"
            + "bad = sys.argv[1] == 'bad'\\n"
            + "for epoch in range(5):\\n"
            + "    print(f'epoch={epoch} loss={10.0 if bad else 1.0 / (epoch + 1)}', flush=True)\\n"
            + "    time.sleep(1.0 if bad else 0.2)\\n";
    return """
        apiVersion: kubeflow.org/v1beta1
        kind: Experiment
        metadata:
          name: %s
        spec:
          objective: {type: minimize, objectiveMetricName: loss}
          algorithm: {algorithmName: %s}
          %s
          parallelTrialCount: %d
          maxTrialCount: %d
          parameters:
            %s
          trialTemplate:
            primaryContainerName: main
            trialParameters:
              - {name: value, reference: %s}
            trialSpec:
              apiVersion: kubeflow.org/v1
              kind: PyTorchJob
              spec:
                pytorchReplicaSpecs:
                  Master:
                    replicas: 1
                    restartPolicy: Never
                    template:
                      spec:
                        containers:
                          - name: main
                            image: capstan/examples:latest
                            command: [python3, -c, "%s", "${trialParameters.value}"]
                            resources:
                              limits: {cpu: "250m", memory: 512Mi}
        """
        .formatted(name, algorithm, extra, parallel, max, parameter, reference, code);
  }

  private void create(String yaml) throws Exception {
    Path file = DATA.resolve("experiment-" + System.nanoTime() + ".yaml");
    Files.writeString(file, yaml);
    ok(cli.run("experiment", "create", "-f", file.toString()));
  }

  private JsonNode awaitPhase(String name, String phase) {
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              String now = experiment(name).get("phase").asString();
              assertThat(now)
                  .as("experiment %s", name)
                  .isIn(phase, "Created", "Running", "Stopped");
              return now.equals(phase);
            });
    return experiment(name);
  }

  private JsonNode experiment(String name) {
    return JSON.readTree(ok(cli.run("experiment", "get", name, "-o", "json")));
  }

  private JsonNode trials(String name) {
    return JSON.readTree(ok(cli.run("experiment", "trials", name, "-o", "json")));
  }

  private static String ok(TestingCli.Result result) {
    assertThat(result.exitCode()).as(result.err()).isZero();
    return result.out();
  }
}
