package io.capstan.server.job;

import static io.capstan.api.job.ReplicaRole.WORKER;
import static io.capstan.server.job.JobFixture.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.JobEvent;
import io.capstan.api.job.JobPhase;
import io.capstan.api.job.Resources;
import io.capstan.runtime.testing.InMemoryRuntime;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spot capacity in the job controller (decision 124): a training job is placed on a spot node when
 * one fits, and when the cloud takes that node back the job goes back to the queue without counting
 * a restart, then resumes from its checkpoint on the nodes that are left.
 */
class NodeReclaimTest {
  private static final Resources FOUR_GPUS = new Resources(1_000, 1L << 30, 4);

  @TempDir Path dataDir;

  private JobControllerHarness h;

  @BeforeEach
  void start() {
    h = new JobControllerHarness(dataDir);
    h.runtime.nodes(InMemoryRuntime.node("steady", 4), InMemoryRuntime.spotNode("spot-a", 4));
  }

  @Test
  void aJobOnANodeTheCloudTakesBackIsRequeuedWithoutARestartAndResumesElsewhere() {
    h.jobs().submit("vision", job("train").resources(FOUR_GPUS).group(WORKER, 1).build());
    h.pass();
    String uid = h.uid("train");
    assertThat(h.job("train").phase()).isEqualTo(JobPhase.RUNNING);
    assertThat(h.job("train").placement().of("worker-0").node())
        .as("a training job checkpoints: the spot node is preferred")
        .isEqualTo("spot-a");

    h.runtime.reclaim("spot-a");
    h.runtime.replica(uid, "worker-0").isLost("node spot-a left the cluster");
    h.pass();

    // The same pass drains it and admits it again on what is left.
    h.tick();
    h.tick();
    assertThat(h.store.events(uid))
        .filteredOn(event -> event.reason().equals("NodeReclaimed"))
        .singleElement()
        .satisfies(event -> assertThat(event.phase()).isEqualTo(JobPhase.QUEUED))
        .extracting(JobEvent::message)
        .asString()
        .contains("Node spot-a was taken back by the cloud", "not counted as a restart");
    assertThat(h.store.events(uid))
        .extracting(JobEvent::reason)
        .doesNotContain("Restarting", "Failed");
    JobRecord resumed = h.job("train");
    assertThat(resumed.phase()).isEqualTo(JobPhase.RUNNING);
    assertThat(resumed.attempt()).isEqualTo(2);
    assertThat(resumed.restarts()).isZero();
    assertThat(resumed.placement().of("worker-0").node()).isEqualTo("steady");
    assertThat(h.store.events(uid))
        .filteredOn(event -> event.reason().equals("Admitted"))
        .last()
        .extracting(JobEvent::message)
        .asString()
        .contains("Admitted again, resuming from its checkpoint");
  }

  @Test
  void aJobOnAnOnDemandNodeThatIsLostRestartsByItsPolicyAsBefore() {
    h.runtime.nodes(InMemoryRuntime.node("steady", 4));
    h.jobs().submit("vision", job("train").resources(FOUR_GPUS).group(WORKER, 1).build());
    h.pass();
    String uid = h.uid("train");

    h.runtime.replica(uid, "worker-0").isLost("node steady left the cluster");
    h.pass();

    assertThat(h.store.events(uid)).extracting(JobEvent::reason).doesNotContain("NodeReclaimed");
    assertThat(h.job("train").phase()).isNotEqualTo(JobPhase.QUEUED);
  }
}
