package io.capstan.server.job;

import static io.capstan.api.job.ReplicaRole.WORKER;
import static io.capstan.server.job.JobFixture.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.JobPhase;
import io.capstan.api.job.RestartPolicy;
import io.capstan.runtime.ReplicaId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job controller keeps every attempt's log although the runtime forgets an attempt when it
 * relaunches the replica and the whole job when it releases it: it archives what the runtime has
 * first. No shipper thread runs here, so the controller's own drains are what is tested.
 */
class JobLogArchiveTest {
  @TempDir Path dataDir;
  private JobControllerHarness h;

  @BeforeEach
  void setUp() {
    h = new JobControllerHarness(dataDir);
  }

  @Test
  void everyAttemptsOutputIsKeptAfterARestartAndTheRelease() throws IOException {
    h.jobs()
        .submit(
            "vision",
            job("train")
                .restartPolicy(RestartPolicy.ON_FAILURE)
                .backoffLimit(2)
                .group(WORKER, 1)
                .build());
    h.pass();
    String uid = h.uid("train");
    h.runtime.replica(uid, "worker-0").prints("epoch 1 of attempt 1").prints("oom").exits(137);
    h.tick(); // Restarting
    h.tick(); // attempt 2 launched, attempt 1 replaced in the runtime
    assertThat(h.job("train").attempt()).isEqualTo(2);
    assertThat(h.runtime.logs().read(new ReplicaId(uid, "worker-0"), 1, 0, 1024)).isEmpty();

    h.runtime.replica(uid, "worker-0").prints("epoch 1 of attempt 2").prints("done").exits(0);
    h.tick();

    assertThat(h.job("train").phase()).isEqualTo(JobPhase.SUCCEEDED);
    assertThat(h.job("train").released()).isTrue();
    assertThat(h.runtime.logs().read(new ReplicaId(uid, "worker-0"), 2, 0, 1024)).isEmpty();
    String log = read(uid, -1);
    assertThat(log)
        .containsSubsequence(
            "--- capstan: worker-0 attempt 1 started at ",
            "epoch 1 of attempt 1\noom\n",
            "--- capstan: worker-0 attempt 2 started at ",
            "epoch 1 of attempt 2\ndone\n");
    assertThat(log.split("epoch 1 of attempt 1", -1)).as("archived once").hasSize(2);
    assertThat(read(uid, 3)).startsWith("--- capstan: worker-0 attempt 2").endsWith("done\n");
    assertThat(read(uid, 0)).isEmpty();
  }

  @Test
  void aRestartedControlPlaneGoesOnWhereTheArchiveEndsWithoutCopyingTwice() throws IOException {
    h.jobs().submit("vision", job("train").group(WORKER, 1).build());
    h.pass();
    String uid = h.uid("train");
    h.runtime.replica(uid, "worker-0").prints("before the restart");
    h.shipper().refresh(new ReplicaId(uid, "worker-0"));

    h.restart();
    h.tick();
    h.runtime.replica(uid, "worker-0").prints("after the restart").exits(0);
    h.tick();

    assertThat(h.job("train").released()).isTrue();
    String log = read(uid, -1);
    assertThat(log).endsWith("before the restart\nafter the restart\n");
    assertThat(log.split("before the restart", -1)).hasSize(2);
  }

  @Test
  void deletingAJobDeletesItsArchivedLog() throws IOException {
    h.jobs().submit("vision", job("train").group(WORKER, 1).build());
    h.pass();
    String uid = h.uid("train");
    h.runtime.replica(uid, "worker-0").prints("something").exits(0);
    h.tick();
    assertThat(read(uid, -1)).contains("something");

    h.jobs().requestDelete("vision", "train", "alice");
    h.tick();

    assertThat(read(uid, -1)).isEmpty();
  }

  private String read(String uid, int tail) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    h.logs()
        .replica("vision", uid, "worker-0")
        .copy(
            tail,
            io.capstan.server.logs.LogLines.ALL,
            () -> false,
            () -> true,
            () -> {},
            "revoked",
            out);
    return out.toString(StandardCharsets.UTF_8);
  }
}
