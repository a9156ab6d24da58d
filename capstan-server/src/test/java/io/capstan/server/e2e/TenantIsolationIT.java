package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.server.CapstanServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hole issue 13 found, tried again through the API as a hostile user would: a job of one
 * project reads nothing of the installation or of another project, changes nothing, and signals
 * nothing. The data directory lies under {@code target/}, readable by every user of the host.
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TenantIsolationIT {
  private static final Path DATA = visibleDataDir();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("capstan.data-dir", DATA::toString);
    registry.add("capstan.stop-grace-period", () -> "2s");
  }

  @Value("${local.server.port}")
  int port;

  @Test
  void aJobOfProjectBCannotReadWriteOrSignalProjectAOrTheServer() {
    TestingHttp http = new TestingHttp("http://127.0.0.1:" + port);
    String admin = ServerFixture.adminToken(DATA);
    String alice = ServerFixture.userWithProject(http, admin, "alice", "team-a");
    String mallory = ServerFixture.userWithProject(http, admin, "mallory", "team-b");
    submit(
        http,
        alice,
        "team-a",
        "victim",
        "echo a-step-41 > $CAPSTAN_CHECKPOINT_DIR/step; echo victim-up; exec sleep 600");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> ServerFixture.jobLog(http, alice, "team-a", "victim").contains("victim-up"));
    String victimUid = field(http, alice, "team-a", "victim", "uid");

    submit(http, mallory, "team-b", "attack", attack(victimUid));
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                ServerFixture.jobPhase(http, mallory, "team-b", "attack")
                    .matches("Succeeded|Failed"));

    String log = ServerFixture.jobLog(http, mallory, "team-b", "attack");
    assertThat(ServerFixture.jobPhase(http, mallory, "team-b", "attack"))
        .as(log)
        .isEqualTo("Succeeded");
    assertThat(log).as("nothing leaked").doesNotContain("LEAK");
    for (String route :
        List.of(
            "read-admin-token",
            "read-database",
            "list-data-dir",
            "read-a-checkpoint",
            "write-a-checkpoint",
            "read-a-log",
            "read-a-live-log",
            "read-runtime-scripts",
            "read-other-environ",
            "read-server-home")) {
      assertThat(log).contains("DENIED " + route + "\n");
    }
    assertThat(log).doesNotContain(ServerFixture.adminToken(DATA));
    assertThat(ServerFixture.jobPhase(http, alice, "team-a", "victim")).isEqualTo("Running");
    assertThat(checkpoint(victimUid)).isEqualTo("a-step-41\n");
    http.delete(alice, "/api/v1/projects/team-a/jobs/victim");
  }

  private String attack(String victimUid) {
    return """
        trap '' TERM
        attempt() {
          name=$1
          shift
          if out=$("$@" 2>/dev/null) && [ -n "$out" ]; then echo "LEAK $name: $out"; else echo "DENIED $name"; fi
        }
        D=%s
        attempt read-admin-token cat $D/admin.token
        attempt read-database cat $D/db/capstan.mv.db
        attempt list-data-dir ls -A $D
        attempt read-a-checkpoint cat $D/runtime/volumes/%s/checkpoints/step
        attempt write-a-checkpoint sh -c 'echo evil > %s && echo wrote'
        attempt read-a-log sh -c 'cat %s/job-logs/%s/*/*.log'
        attempt read-a-live-log sh -c 'cat %s/runtime/replicas/%s.*/output.log'
        attempt read-runtime-scripts cat $D/runtime/supervisor.sh
        attempt read-other-environ sh -c 'grep -l CAPSTAN_PROJECT=team-a /proc/[0-9]*/environ'
        attempt read-server-home ls -A /root
        kill -s TERM -- -1
        echo attack-done
        """
        .formatted(
            DATA, victimUid, volume(victimUid).resolve("step"), DATA, victimUid, DATA, victimUid);
  }

  @Test
  void aClaimIsItsProjectsOwnAndAHostPathNeedsTheOperator() {
    TestingHttp http = new TestingHttp("http://127.0.0.1:" + port);
    String admin = ServerFixture.adminToken(DATA);
    String carol = ServerFixture.userWithProject(http, admin, "carol", "team-c");
    String eve = ServerFixture.userWithProject(http, admin, "eve", "team-e");
    String claim =
        """
        volumeMounts: [{name: data, mountPath: /data}, {name: dshm, mountPath: /dev/shm}]
        volumes:
          - {name: data, persistentVolumeClaim: {claimName: datasets}}
          - {name: dshm, emptyDir: {medium: Memory, sizeLimit: 64Mi}}
        env:
          - name: POD
            valueFrom: {fieldRef: {fieldPath: metadata.name}}
        """;

    submitPod(
        http, carol, "team-c", "writer", "echo carol-data > /data/kept.txt; echo wrote", claim);
    awaitPhase(http, carol, "team-c", "writer", "Succeeded");
    String read =
        "cat /data/kept.txt 2>/dev/null || echo no-data; echo pod=$POD"
            + " shm=$(stat -f -c %T /dev/shm) $(df -B1 --output=size /dev/shm | tail -1)";
    submitPod(http, carol, "team-c", "reader", read, claim);
    submitPod(http, eve, "team-e", "thief", read, claim);
    awaitPhase(http, carol, "team-c", "reader", "Succeeded");
    awaitPhase(http, eve, "team-e", "thief", "Succeeded");

    assertThat(ServerFixture.jobLog(http, carol, "team-c", "reader"))
        .contains("carol-data", "pod=reader-worker-0", "shm=tmpfs " + (64L << 20));
    assertThat(ServerFixture.jobLog(http, eve, "team-e", "thief"))
        .contains("no-data")
        .doesNotContain("carol-data");

    String hostPath =
        """
        volumeMounts: [{name: root, mountPath: /host}]
        volumes: [{name: root, hostPath: {path: /}}]
        """;
    TestingHttp.Answer refused =
        http.post(
            eve,
            "/api/v1/projects/team-e/jobs",
            "application/yaml",
            podSpec("escape", "cat /host/etc/shadow", hostPath));
    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(refused.body())
        .contains("spec.replicas[0].volumes[0].hostPath.path", "capstan.job-volumes");
  }

  private void awaitPhase(
      TestingHttp http, String token, String project, String job, String phase) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> ServerFixture.jobPhase(http, token, project, job), phase::equals);
  }

  private static void submitPod(
      TestingHttp http, String token, String project, String name, String script, String pod) {
    TestingHttp.Answer answer =
        http.post(
            token,
            "/api/v1/projects/" + project + "/jobs",
            "application/yaml",
            podSpec(name, script, pod));
    assertThat(answer.status()).as(answer.body()).isEqualTo(201);
  }

  /** A one-replica job running {@code script}, with {@code pod} (group fields) added. */
  private static String podSpec(String name, String script, String pod) {
    return """
        apiVersion: capstan.io/v1
        kind: TrainingJob
        metadata: {name: %s}
        spec:
          replicas:
            - role: worker
              count: 1
              command: ["/bin/sh", "-c", %s]
              resources: {cpu: "0.2", memory: 256Mi}
        %s"""
        .formatted(name, JSON.writeValueAsString(script), pod.indent(6));
  }

  private static void submit(
      TestingHttp http, String token, String project, String name, String script) {
    String spec =
        """
        apiVersion: capstan.io/v1
        kind: TrainingJob
        metadata: {name: %s}
        spec:
          replicas:
            - role: worker
              count: 1
              command: ["/bin/sh", "-c", %s]
              resources: {cpu: "0.2", memory: 256Mi}
        """
            .formatted(name, JSON.writeValueAsString(script));
    TestingHttp.Answer answer =
        http.post(token, "/api/v1/projects/" + project + "/jobs", "application/yaml", spec);
    assertThat(answer.status()).as(answer.body()).isEqualTo(201);
  }

  private static String field(
      TestingHttp http, String token, String project, String job, String name) {
    return JSON.readTree(http.get(token, "/api/v1/projects/" + project + "/jobs/" + job).body())
        .get(name)
        .asString();
  }

  /** Where the local runtime keeps a job's checkpoint volume on the host. */
  private static Path volume(String jobUid) {
    return DATA.resolve("runtime").resolve("volumes").resolve(jobUid).resolve("checkpoints");
  }

  private static String checkpoint(String jobUid) {
    try {
      return Files.readString(volume(jobUid).resolve("step"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path visibleDataDir() {
    try {
      return Files.createDirectories(Path.of("target", "isolation-it-" + System.nanoTime()))
          .toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
