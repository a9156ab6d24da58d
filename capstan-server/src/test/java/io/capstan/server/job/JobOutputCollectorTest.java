package io.capstan.server.job;

import static io.capstan.api.job.ReplicaRole.WORKER;
import static io.capstan.server.job.JobFixture.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.JobEvent;
import io.capstan.api.job.JobOutputsView;
import io.capstan.api.job.JobPhase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A succeeded job's output volume is copied into the artifact store before the job is released,
 * through the runtime's volumes (the in-memory runtime here), on a controllable clock.
 */
class JobOutputCollectorTest {
  @TempDir Path dataDir;
  private JobControllerHarness h;

  @BeforeEach
  void setUp() {
    h = new JobControllerHarness(dataDir);
  }

  @Test
  void theCopyRunsOffTheControllerThreadAndTheJobIsReleasedOnceItIsDone() throws Exception {
    java.util.ArrayDeque<Runnable> copies = new java.util.ArrayDeque<>();
    h.copyOutputsOn(copies::add);
    String uid = runningJob("train");
    h.runtime.putFile(uid, "output", "model.onnx", "weights");
    h.runtime.replica(uid, "worker-0").exits(0);
    h.tick();
    h.tick();

    assertThat(h.job("train").phase()).isEqualTo(JobPhase.SUCCEEDED);
    assertThat(h.job("train").released()).as("kept until its outputs are copied").isFalse();
    assertThat(copies).as("one copy started, not one per pass").hasSize(1);
    h.jobs().submit("vision", job("next").group(WORKER, 1).build());
    h.tick();
    assertThat(h.job("next").phase())
        .as("the controller goes on with other jobs meanwhile")
        .isEqualTo(JobPhase.RUNNING);

    copies.poll().run();
    h.tick();

    assertThat(h.job("train").released()).isTrue();
    assertThat(read("jobs/" + uid + "/output/model.onnx")).isEqualTo("weights");
    assertThat(event(uid, "OutputsCollected")).contains("model.onnx");
  }

  @Test
  void aSucceededJobsOutputsAreCollectedAndListedAndTheReplicaSeesTheVolumes() throws Exception {
    String uid = runningJob("train");
    assertThat(h.runtime.launchesOf(uid).get(0).mounts())
        .extracting(m -> m.containerPath() + "=" + m.source())
        .containsExactly(
            "/capstan/checkpoints=JobVolume[name=checkpoints]",
            "/capstan/output=JobVolume[name=output]");
    assertThat(h.runtime.launchesOf(uid).get(0).workDir()).as("the runtime's choice").isNull();
    h.runtime.putFile(uid, "output", "model.onnx", "weights");
    h.runtime.putFile(uid, "output", "eval/metrics.json", "{\"auc\": 0.9}");
    h.runtime.putFile(uid, "checkpoints", "step-10.pt", "state");

    succeed(uid);

    assertThat(h.job("train").released()).isTrue();
    assertThat(read("jobs/" + uid + "/output/model.onnx")).isEqualTo("weights");
    assertThat(read("jobs/" + uid + "/output/eval/metrics.json")).isEqualTo("{\"auc\": 0.9}");
    assertThat(h.artifacts.keysUnder("jobs/" + uid))
        .as("checkpoints are not collected")
        .containsExactlyInAnyOrder(
            "jobs/" + uid + "/output/model.onnx",
            "jobs/" + uid + "/output/eval/metrics.json",
            "jobs/" + uid + "/outputs.json");
    JobOutputsView view = h.jobs().outputs("vision", "train");
    assertThat(view.collected()).isTrue();
    assertThat(view.files())
        .containsExactly(
            new JobOutputsView.File("eval/metrics.json", 12, sha256("{\"auc\": 0.9}")),
            new JobOutputsView.File("model.onnx", 7, sha256("weights")));
    assertThat(view.notCollected()).isEmpty();
    assertThat(event(uid, JobOutputCollector.COLLECTED))
        .contains("Collected 2 files (19 bytes) of /capstan/output", "model.onnx");
    assertThat(h.jobs().get("vision", "train").status().outputDir()).isEqualTo("/capstan/output");
    assertThat(h.jobs().get("vision", "train").status().checkpointDir())
        .isEqualTo("/capstan/checkpoints");
  }

  @Test
  void filesThatCannotBeCollectedAreNamedInAJobEventWithTheReason() {
    String uid = runningJob("train");
    h.runtime.putFile(uid, "output", "model.onnx", "weights");
    h.runtime.putFile(uid, "output", "my model.onnx", "spaces");
    h.runtime.putLink(uid, "output", "escape.onnx");

    succeed(uid);

    JobOutputsView view = h.jobs().outputs("vision", "train");
    assertThat(view.files()).extracting(JobOutputsView.File::path).containsExactly("model.onnx");
    assertThat(view.notCollected())
        .extracting(JobOutputsView.Skipped::path)
        .containsExactly("escape.onnx", "my model.onnx");
    assertThat(event(uid, JobOutputCollector.NOT_COLLECTED))
        .contains(
            "Did not collect 2 files of /capstan/output",
            "'escape.onnx' (not a regular file: a symbolic link",
            "'my model.onnx' (its path is not one the artifact store takes",
            "letters, digits, '.', '_' and '-'");
    assertThat(h.job("train").phase()).isEqualTo(JobPhase.SUCCEEDED);
  }

  @Test
  void aFileOverTheLimitIsLeftOutAndSaidSo() {
    h = new JobControllerHarness(dataDir, List.of(), new JobOutputsConfig(4L, 100L));
    String uid = runningJob("train");
    h.runtime.putFile(uid, "output", "big.bin", "12345");
    h.runtime.putFile(uid, "output", "ok.txt", "1234");

    succeed(uid);

    assertThat(h.jobs().outputs("vision", "train").files())
        .extracting(JobOutputsView.File::path)
        .containsExactly("ok.txt");
    assertThat(event(uid, JobOutputCollector.NOT_COLLECTED))
        .contains("'big.bin' (5 bytes, over the limit of 4 bytes per file")
        .contains("capstan.job-outputs.max-file-bytes");
  }

  @Test
  void aCrashBetweenCopyAndRecordIsFinishedByTheNextControllerWithoutCopyingAgain() {
    String uid = runningJob("train");
    h.runtime.putFile(uid, "output", "model.onnx", "weights");
    h.artifacts.failNextPutOf("outputs.json");

    h.runtime.replica(uid, "worker-0").exits(0);
    h.tick();

    assertThat(h.job("train").phase()).isEqualTo(JobPhase.SUCCEEDED);
    assertThat(h.job("train").released()).as("not released before its outputs are").isFalse();
    assertThat(h.jobs().outputs("vision", "train").collected()).isFalse();
    assertThat(reasons(uid)).doesNotContain(JobOutputCollector.COLLECTED);

    h.restart();
    h.tick();

    assertThat(h.job("train").released()).isTrue();
    assertThat(h.artifacts.puts())
        .containsExactly(
            "jobs/" + uid + "/output/model.onnx",
            "jobs/" + uid + "/outputs.json",
            "jobs/" + uid + "/outputs.json");
    assertThat(reasons(uid)).containsOnlyOnce(JobOutputCollector.COLLECTED);
    assertThat(h.jobs().outputs("vision", "train").files())
        .extracting(JobOutputsView.File::path)
        .containsExactly("model.onnx");
  }

  @Test
  void aCopyThatFailsIsTriedAgainLaterEachTimeLaterNotOnEveryPass() {
    String uid = runningJob("train");
    h.runtime.putFile(uid, "output", "model.onnx", "weights");
    h.artifacts.failNextPutOf("outputs.json");

    h.runtime.replica(uid, "worker-0").exits(0);
    h.tick();
    assertThat(h.job("train").released()).isFalse();
    int puts = h.artifacts.puts().size();
    for (int i = 0; i < 3; i++) {
      // The controller comes back every 250 ms: no new copy before the retry is due (1 s).
      h.clock.advance(JobReconciler.LISTENER_RETRY);
      h.pass();
    }
    assertThat(h.artifacts.puts()).as("no copy before the retry is due").hasSize(puts);
    assertThat(h.job("train").released()).isFalse();

    h.tick();

    assertThat(h.job("train").released()).isTrue();
    assertThat(reasons(uid)).containsOnlyOnce(JobOutputCollector.COLLECTED);
  }

  @Test
  void aFileWhoseCopyFailsIsLeftOutSoTheJobIsStillReleased() {
    String uid = runningJob("train");
    h.runtime.putFile(uid, "output", "model.onnx", "weights");
    h.runtime.putFile(uid, "output", "notes.txt", "fine");
    h.artifacts.failNextPutOf("model.onnx");

    succeed(uid);

    assertThat(h.job("train").released()).isTrue();
    assertThat(h.jobs().outputs("vision", "train").files())
        .extracting(JobOutputsView.File::path)
        .containsExactly("notes.txt");
    assertThat(event(uid, JobOutputCollector.NOT_COLLECTED))
        .contains("'model.onnx' (it could not be copied:", "No space left on device");
  }

  @Test
  void deletingAJobDeletesItsVolumesAndCollectedOutputs() {
    String uid = runningJob("train");
    h.runtime.putFile(uid, "output", "model.onnx", "weights");
    succeed(uid);

    h.jobs().delete("vision", "train", "alice");
    h.tick();

    assertThat(h.store().find("vision", "train")).isEmpty();
    assertThat(h.runtime.volumeDeletions()).containsExactly(uid);
    assertThat(h.runtime.volumes().list(uid, "output")).isEmpty();
    assertThat(h.artifacts.keysUnder("jobs/" + uid)).isEmpty();
    assertThat(h.artifacts.stat("jobs/" + uid + "/outputs.json")).isEmpty();
  }

  @Test
  void aFailedJobsOutputsAreNotCollected() {
    String uid = runningJob("train");
    h.runtime.putFile(uid, "output", "model.onnx", "weights");

    h.runtime.replica(uid, "worker-0").exits(1);
    h.tick();

    assertThat(h.job("train").phase()).isEqualTo(JobPhase.FAILED);
    assertThat(h.jobs().outputs("vision", "train").collected()).isFalse();
    assertThat(h.artifacts.keysUnder("jobs")).isEmpty();
    assertThat(h.runtime.volumes().list(uid, "output"))
        .as("kept until the job is deleted")
        .hasSize(1);
  }

  private String runningJob(String name) {
    h.jobs().submit("vision", job(name).group(WORKER, 1).build());
    h.pass();
    return h.uid(name);
  }

  private void succeed(String uid) {
    h.runtime.replica(uid, "worker-0").exits(0);
    h.tick();
    assertThat(h.job("train").phase()).isEqualTo(JobPhase.SUCCEEDED);
  }

  private String read(String key) throws IOException {
    try (InputStream in = h.artifacts.open(key)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private String event(String uid, String reason) {
    return h.store().events(uid).stream()
        .filter(e -> e.reason().equals(reason))
        .map(JobEvent::message)
        .findFirst()
        .orElseThrow(() -> new AssertionError("No event " + reason + " in " + reasons(uid)));
  }

  private List<String> reasons(String uid) {
    return h.store().events(uid).stream().map(JobEvent::reason).toList();
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
