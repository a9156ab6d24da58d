package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.server.artifact.S3ArtifactStore;
import io.capstan.server.artifact.TestingCeph;
import io.capstan.server.datadir.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cluster mode's log archive (decision 122): with the S3 artifact store (a real Ceph RADOS
 * Gateway), a finished job's logs are in the bucket, and {@code capstan logs} reads them after the
 * control plane's disk is gone (its archive and the runtime's copies wiped, as when its pod is
 * replaced) and a new control plane started on the same database; deleting the job deletes them.
 */
class ClusterLogArchiveIT {
  private static final TestingCeph CEPH = TestingCeph.shared();
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String JOBS = "/api/v1/projects/default/jobs";

  @Test
  void aJobsLogsAreReadFromTheBucketAfterTheControlPlanesDiskIsGone() {
    Path data = ServerFixture.newDataDir("capstan-cluster-logs-it");
    List<String> s3 =
        List.of(
            "capstan.artifacts.store=s3",
            "capstan.artifacts.s3.endpoint=" + CEPH.endpoint(),
            "capstan.artifacts.s3.bucket=cluster-logs",
            "capstan.artifacts.s3.region=us-east-1",
            "capstan.artifacts.s3.access-key=" + TestingCeph.ACCESS_KEY,
            "capstan.artifacts.s3.secret-key=" + TestingCeph.SECRET_KEY);
    try (ServerProcess server = new ServerProcess(data, "server.log", s3)) {
      server.start();
      TestingHttp http = new TestingHttp(server.url());
      String token = ServerFixture.adminToken(data);
      TestingHttp.Answer submitted =
          http.post(
              token,
              JOBS,
              "application/yaml",
              """
              apiVersion: capstan.io/v1
              kind: TrainingJob
              metadata: {name: chatty}
              spec:
                replicas:
                  - role: worker
                    count: 2
                    command: [sh, -c, "for i in 1 2 3; do echo line $i of $CAPSTAN_REPLICA; done"]
              """);
      assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
      String uid = JSON.readTree(submitted.body()).get("uid").asString();
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(300))
          .until(() -> phase(http, token).equals("Succeeded"));
      String before = log(http, token, "worker-1");
      assertThat(before).contains("line 3 of");
      await().atMost(Duration.ofSeconds(30)).until(() -> keys(uid).size() >= 2);

      server.kill();
      FileTrees.deleteRecursively(data.resolve("job-logs"));
      FileTrees.deleteRecursively(data.resolve("runtime"));
      server.start();

      assertThat(log(http, token, "worker-1"))
          .as("read back from the bucket, the local archive being gone")
          .isEqualTo(before);
      assertThat(log(http, token, "worker-0")).contains("line 1 of").contains("line 3 of");
      assertThat(
              Files.isRegularFile(
                  data.resolve("job-logs").resolve(uid).resolve("worker-1").resolve("1.log")))
          .isTrue();

      assertThat(http.delete(token, JOBS + "/chatty").status()).isBetween(200, 299);
      await().atMost(Duration.ofSeconds(30)).until(() -> keys(uid).isEmpty());
    }
  }

  private static List<String> keys(String uid) {
    try (S3Client s3 =
        S3ArtifactStore.client(
            CEPH.endpoint(), "us-east-1", TestingCeph.ACCESS_KEY, TestingCeph.SECRET_KEY)) {
      return s3
          .listObjectsV2(b -> b.bucket("cluster-logs").prefix("logs/" + uid + "/"))
          .contents()
          .stream()
          .map(o -> o.key())
          .toList();
    }
  }

  private static String phase(TestingHttp http, String token) {
    return JSON.readTree(http.get(token, JOBS + "/chatty").body())
        .get("status")
        .get("phase")
        .asString();
  }

  private static String log(TestingHttp http, String token, String replica) {
    return http.get(token, JOBS + "/chatty/logs?replica=" + replica).body();
  }
}
