package io.capstan.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.cli.TestingApiServer;
import io.capstan.cli.TestingCli;
import io.capstan.cli.TestingCli.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code capstan top}: the cluster summary, the nodes and the projects. */
class TopCommandTest {
  private static final String TOP =
      """
      {"capacity":{"cpu":"32","memory":"128Gi","gpu":"4"},
       "allocated":{"cpu":"4500m","memory":"20Gi","gpu":"3"},
       "free":{"cpu":"27500m","memory":"108Gi","gpu":"1"},
       "nodes":[
        {"name":"gpu-a","capacity":{"cpu":"16","memory":"64Gi","gpu":"4"},
         "allocated":{"cpu":"4500m","memory":"20Gi","gpu":"3"},
         "free":{"cpu":"11500m","memory":"44Gi","gpu":"1"},
         "gpus":[{"index":0,"model":"A100","heldBy":"vision/resnet"},
                 {"index":1,"model":"A100","heldBy":"vision/resnet"},
                 {"index":2,"model":"A100","heldBy":"in use"},
                 {"index":3,"model":"A100","heldBy":null}]},
        {"name":"cpu-b","capacity":{"cpu":"16","memory":"64Gi","gpu":"0"},
         "allocated":{"cpu":"0","memory":"0","gpu":"0"},
         "free":{"cpu":"16","memory":"64Gi","gpu":"0"},"gpus":[]}],
       "projects":[
        {"project":"vision","nominal":{"cpu":"8","memory":"32Gi","gpu":"1"},
         "usage":{"cpu":"4","memory":"16Gi","gpu":"2"},
         "borrowing":{"cpu":"0","memory":"0","gpu":"1"},"running":1,"pending":2},
        {"project":"(other projects)","nominal":{"cpu":"0","memory":"0","gpu":"0"},
         "usage":{"cpu":"500m","memory":"4Gi","gpu":"1"},
         "borrowing":{"cpu":"500m","memory":"4Gi","gpu":"1"},"running":1,"pending":0}]}
      """;

  @TempDir Path temp;

  private final TestingApiServer server = TestingApiServer.start();
  private TestingCli cli;

  @BeforeEach
  void setUp() {
    cli = TestingCli.against(server, temp);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void showsTheClusterEachNodeWithItsGpusAndEachProject() {
    server.respond("GET", "/api/v1/top", 200, TOP);

    Result result = cli.run("top");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .startsWith(
            "Cluster: 2 nodes, allocated/capacity: CPU 4500m/32, MEMORY 20Gi/128Gi, GPU 3/4")
        .contains("free: CPU 27500m, MEMORY 108Gi, GPU 1");
    assertThat(line(result.out(), "gpu-a"))
        .contains("on-demand", "4500m/16", "20Gi/64Gi", "3/4")
        .contains("0=vision/resnet, 1=vision/resnet, 2=in use")
        .doesNotContain("3=");
    assertThat(line(result.out(), "cpu-b")).contains("0/16", "0/64Gi", "0/0").endsWith("-");
    assertThat(line(result.out(), "vision "))
        .containsSubsequence("2/1", "4/8", "16Gi/32Gi", "gpu=1", "1", "2");
    assertThat(line(result.out(), "(other projects)"))
        .containsSubsequence("1/0", "500m/0", "4Gi/0", "gpu=1 cpu=500m memory=4Gi");
    assertThat(result.out())
        .contains("NODES", "GPUS IN USE", "PROJECTS", "GPU (USED/NOMINAL)", "BORROWING");
  }

  @Test
  void gpusWithAUsageSampleGetATableOfTheirOwn() {
    server.respond(
        "GET",
        "/api/v1/top",
        200,
        TOP.replace(
                "{\"index\":0,\"model\":\"A100\",\"heldBy\":\"vision/resnet\"}",
                "{\"index\":0,\"model\":\"A100\",\"heldBy\":\"vision/resnet\","
                    + "\"utilization\":0.87,\"memoryUsedBytes\":42278584320,"
                    + "\"memoryTotalBytes\":85520809984}")
            .replace(
                "{\"index\":3,\"model\":\"A100\",\"heldBy\":null}",
                "{\"index\":3,\"model\":\"A100\",\"heldBy\":null,"
                    + "\"utilization\":0.0,\"memoryUsedBytes\":0,"
                    + "\"memoryTotalBytes\":85520809984}"));

    Result result = cli.run("top");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("GPUS\nNODE").contains("UTIL", "MEMORY (GiB)", "HELD BY");
    assertThat(result.out().lines().filter(l -> l.startsWith("gpu-a ")).toList())
        .anySatisfy(
            l ->
                assertThat(l).containsSubsequence("0", "A100", "87%", "39.4/79.6", "vision/resnet"))
        .anySatisfy(l -> assertThat(l).containsSubsequence("3", "A100", "0%", "0.0/79.6"));
  }

  @Test
  void withoutUsageSamplesThereIsNoGpuTable() {
    server.respond("GET", "/api/v1/top", 200, TOP);

    Result result = cli.run("top");

    assertThat(result.out()).doesNotContain("GPUS\n").doesNotContain("UTIL");
  }

  @Test
  void jsonIsTheServersAnswer() {
    server.respond("GET", "/api/v1/top", 200, TOP);

    Result result = cli.run("top", "-o", "json");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("\"heldBy\" : \"vision/resnet\"", "\"pending\" : 2");
    assertThat(server.lastRequest().header("Authorization"))
        .isEqualTo("Bearer " + TestingCli.TOKEN);
  }

  @Test
  void yamlIsTheSameContent() {
    server.respond("GET", "/api/v1/top", 200, TOP);

    Result result = cli.run("top", "-o", "yaml");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("project: (other projects)", "heldBy: in use");
  }

  @Test
  void anInvalidTokenExitsUnauthorized() {
    server.fail("GET", "/api/v1/top", 401, "UNAUTHENTICATED", "Expected a valid API token", null);

    Result result = cli.run("top");

    assertThat(result.exitCode()).isEqualTo(4);
    assertThat(result.err()).contains("Expected a valid API token");
  }

  private static String line(String out, String start) {
    return out.lines()
        .filter(l -> l.startsWith(start))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("Expected a line starting with '" + start + "' in:\n" + out));
  }
}
