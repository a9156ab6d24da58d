package io.capstan.server.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.JobPhase;
import io.capstan.api.job.JobView;
import io.capstan.runtime.ReplicaLaunch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Kubernetes batch/v1 Job, as Katib's trial templates are, runs through the job controller on the
 * in-memory runtime: launched as its pod template says, retried up to its backoff limit, and read
 * back in the Job controller's status form, whose conditions Katib waits for.
 */
class BatchJobTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dataDir;
  private JobControllerHarness h;

  @BeforeEach
  void setUp() {
    h = new JobControllerHarness(dataDir);
  }

  private static String job(String name, String specLines) {
    return """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: %s}
        spec:
        %s
          template:
            spec:
              containers:
                - name: training-container
                  image: host
                  command: [/usr/bin/python3, -c, "print('accuracy=0.9')"]
                  resources: {limits: {cpu: "0.5", memory: 1Gi}}
              restartPolicy: Never
        """
        .formatted(name, specLines.indent(2).stripTrailing());
  }

  private JsonNode kubernetesForm(String name) {
    JobView view = h.jobs().get("vision", name);
    return JSON.valueToTree(BatchJobView.of(view));
  }

  @Test
  void aJobRunsItsContainerAndCompletesAsOnACluster() {
    h.jobs().submit("vision", job("trial-1", ""));
    h.pass();
    String uid = h.uid("trial-1");

    assertThat(h.runtime.launchesOf(uid))
        .singleElement()
        .satisfies(
            launch -> {
              assertThat(launch.id().replica()).isEqualTo("worker-0");
              assertThat(launch.command())
                  .containsExactly("/usr/bin/python3", "-c", "print('accuracy=0.9')");
            });
    JsonNode running = kubernetesForm("trial-1");
    assertThat(running.get("status").get("active").asInt()).isEqualTo(1);
    assertThat(running.get("status").get("ready").asInt()).isEqualTo(1);
    assertThat(running.get("status").has("conditions")).isFalse();

    h.runtime.replica(uid, "worker-0").exits(0);
    h.tick();

    assertThat(h.job("trial-1").phase()).isEqualTo(JobPhase.SUCCEEDED);
    JsonNode done = kubernetesForm("trial-1");
    assertThat(done.get("apiVersion").asString()).isEqualTo("batch/v1");
    assertThat(done.get("kind").asString()).isEqualTo("Job");
    assertThat(done.get("metadata").get("namespace").asString()).isEqualTo("vision");
    assertThat(conditions(done))
        .containsExactly(
            "SuccessCriteriaMet=True CompletionsReached: Reached expected number of succeeded pods",
            "Complete=True CompletionsReached: Reached expected number of succeeded pods");
    assertThat(done.get("status").get("succeeded").asInt()).isEqualTo(1);
    assertThat(done.get("status").has("active")).isFalse();
    assertThat(done.get("status").has("failed")).isFalse();
    assertThat(done.get("status").get("ready").asInt()).isZero();
    assertThat(done.get("status").has("completionTime")).isTrue();
  }

  @Test
  void aFailingPodIsReplacedUntilTheBackoffLimitThenTheJobFails() {
    h.jobs().submit("vision", job("trial-2", "backoffLimit: 1"));
    h.pass();
    String uid = h.uid("trial-2");

    h.runtime.replica(uid, "worker-0").exits(1);
    h.tick();
    h.tick();
    assertThat(h.runtime.launchesOf(uid))
        .as("restartPolicy Never: the Job starts a new pod")
        .extracting(ReplicaLaunch::attempt)
        .containsExactly(1, 2);
    h.runtime.replica(uid, "worker-0").exits(1);
    h.tick();

    assertThat(h.job("trial-2").phase()).isEqualTo(JobPhase.FAILED);
    assertThat(h.job("trial-2").reason()).isEqualTo("BackoffLimitExceeded");
    JsonNode failed = kubernetesForm("trial-2");
    assertThat(conditions(failed))
        .containsExactly(
            "FailureTarget=True BackoffLimitExceeded: Job has reached the specified backoff limit",
            "Failed=True BackoffLimitExceeded: Job has reached the specified backoff limit");
    assertThat(failed.get("status").get("failed").asInt())
        .as("both pods that failed, as a Job counts them")
        .isEqualTo(2);
    assertThat(failed.get("status").has("completionTime")).isFalse();
  }

  @Test
  void indexedPodsGetTheirCompletionIndexAndAllMustSucceed() {
    h.jobs()
        .submit("vision", job("sweep", "completions: 2\nparallelism: 2\ncompletionMode: Indexed"));
    h.pass();
    String uid = h.uid("sweep");

    List<ReplicaLaunch> launches = h.runtime.launchesOf(uid);
    assertThat(launches)
        .extracting(launch -> launch.env().get("JOB_COMPLETION_INDEX"))
        .containsExactly("0", "1");
    h.runtime.replica(uid, "worker-1").exits(0);
    h.tick();
    assertThat(h.job("sweep").phase()).isEqualTo(JobPhase.RUNNING);
    assertThat(kubernetesForm("sweep").get("status").get("succeeded").asInt()).isEqualTo(1);

    h.runtime.replica(uid, "worker-0").exits(0);
    h.tick();
    assertThat(h.job("sweep").phase()).isEqualTo(JobPhase.SUCCEEDED);
  }

  @Test
  void aQueuedJobIsSuspendedAsKueueHoldsOne() {
    h.jobs().submit("vision", job("big", "completions: 1"));
    JsonNode queued = kubernetesForm("big");

    assertThat(conditions(queued)).containsExactly("Suspended=True JobSuspended: Job suspended");
  }

  private static List<String> conditions(JsonNode job) {
    List<String> result = new ArrayList<>();
    for (JsonNode condition : job.get("status").get("conditions")) {
      assertThat(condition.get("lastTransitionTime").asString())
          .isEqualTo(condition.get("lastProbeTime").asString());
      result.add(
          condition.get("type").asString()
              + "="
              + condition.get("status").asString()
              + " "
              + condition.get("reason").asString()
              + ": "
              + condition.get("message").asString());
    }
    return result;
  }
}
