package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Idle notebooks are reclaimed first (decision 128): on the packaged server with real Jupyter, a
 * notebook idle for the reclaim time gives its CPU to a job waiting on the project's quota,
 * although notebooks run above batch priority, and is stopped rather than queued to take it back; a
 * notebook with a busy kernel keeps its CPU.
 */
class NotebookReclaimIT {
  private static final Duration START = Duration.ofMinutes(3);

  private static ServerProcess server;
  private static TestingHttp http;
  private static String admin;

  @BeforeAll
  static void start() {
    Path data = ServerFixture.newDataDir("capstan-notebook-reclaim-it");
    server =
        new ServerProcess(
            data,
            "server.log",
            List.of("capstan.notebooks.poll-interval=500ms", "capstan.notebooks.reclaim-after=5s"));
    server.start();
    http = new TestingHttp(server.url());
    admin = ServerFixture.adminToken(data);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void anIdleNotebookGivesItsCpuToAWaitingJobAndStaysStoppedWhileABusyOneKeepsItsOwn()
      throws Exception {
    String dave = ServerFixture.userWithProject(http, admin, "dave", "lab");
    TestingNotebooks lab = new TestingNotebooks(http, "lab");
    lab.limitCpu(admin, "1");
    lab.create(dave, "idle");
    lab.create(dave, "busy");
    lab.awaitPhase(dave, "idle", "Running");
    lab.awaitPhase(dave, "busy", "Running");

    String busyBase = server.url() + "/notebooks/lab/busy/";
    String kernel = lab.startKernel(dave, busyBase).get("id").asString();
    try (TestingKernel channels =
        TestingKernel.connect(busyBase, kernel, Map.of("Authorization", "Bearer " + dave))) {
      String sleeping =
          channels.run(
              "print('sleeping', flush=True); import time; time.sleep(600)", Duration.ofMinutes(2));
      assertThat(sleeping.trim()).isEqualTo("sleeping");
      // Let the notebook controller's polls (every 0.5 s) see the busy kernel before work waits.
      await()
          .pollDelay(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(3))
          .until(() -> lab.phase(dave, "busy").equals("Running"));

      lab.submitWaitingJob(dave);

      lab.awaitPhase(dave, "idle", "Stopped");
      JsonNode idle = lab.get(dave, "idle");
      assertThat(idle.get("reason").asString()).isEqualTo("Reclaimed");
      assertThat(idle.get("message").asString())
          .contains("idle (the reclaim time is 5s)")
          .contains("its resources went to waiting work")
          .contains("workspace is kept");
      await()
          .atMost(TestingNotebooks.START)
          .until(() -> List.of("Running", "Succeeded").contains(lab.jobPhase(dave, "waiting")));
      await()
          .during(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  lab.phase(dave, "busy").equals("Running")
                      && lab.phase(dave, "idle").equals("Stopped"));
    }
  }
}
