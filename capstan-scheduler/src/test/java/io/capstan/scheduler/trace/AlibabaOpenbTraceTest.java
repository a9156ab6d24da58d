package io.capstan.scheduler.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.scheduler.cluster.NodeSpec;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.trace.AlibabaOpenbTrace.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlibabaOpenbTraceTest {
  private static final long MIB = 1L << 20;
  private static final String NODE_ROW = "openb-node-0000,64000,262144,2,P100\n";

  @Test
  void loadsTheGpuNodesAndTheDefaultPods() {
    AlibabaOpenbTrace trace = AlibabaOpenbTrace.load("default");

    assertThat(trace.nodes()).hasSize(1213);
    assertThat(trace.nodes().stream().mapToInt(NodeSpec::gpus).sum()).isEqualTo(6212);
    assertThat(trace.nodes().get(0))
        .isEqualTo(new NodeSpec("openb-node-0000", 64_000, 262_144 * MIB, 2, "P100", Map.of()));
    assertThat(trace.pods()).hasSize(8152);
    assertThat(trace.pods().get(1))
        .isEqualTo(
            new Pod(
                "openb-pod-0001",
                PodDemand.sharing(6000, 12_288 * MIB, 460),
                OptionalLong.of(427_061),
                OptionalLong.of(12_902_960),
                ""));
    assertThat(trace.demands().stream().filter(PodDemand::sharesGpu).count()).isEqualTo(3078);
    assertThat(trace.demands().stream().filter(demand -> demand.gpus() == 0).count())
        .isEqualTo(1088);
    assertThat(trace.demands().stream().filter(demand -> demand.gpus() == 8).count()).isEqualTo(44);
  }

  @Test
  void loadsAPodListWithoutTimes() {
    AlibabaOpenbTrace trace = AlibabaOpenbTrace.load("multigpu30");

    assertThat(trace.pods()).hasSize(8508);
    assertThat(trace.pods().get(0))
        .isEqualTo(
            new Pod(
                "openb-pod-0000",
                PodDemand.of(12_000, 16_384 * MIB, 1),
                OptionalLong.empty(),
                OptionalLong.empty(),
                ""));
  }

  @Test
  void namesFileLineAndColumnOfAMalformedRow(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("openb_node_list_gpu_node.csv"),
        AlibabaOpenbTrace.NODES_HEADER + "\n" + NODE_ROW);
    Path pods = dir.resolve("openb_pod_list_broken.csv");
    Files.writeString(
        pods,
        AlibabaOpenbTrace.PODS_HEADER
            + "\nopenb-pod-0000,12000,16384,1,1000\nopenb-pod-0001,6000,lots,1,460\n");

    assertThatThrownBy(() -> AlibabaOpenbTrace.load(dir, "broken"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            pods + " line 3 column 3 (memory_mib): Expected a non-negative integer, but was 'lots'")
        .hasCauseInstanceOf(NumberFormatException.class);

    Files.writeString(pods, AlibabaOpenbTrace.PODS_HEADER + "\nopenb-pod-0000,12000,16384,2,500\n");
    assertThatThrownBy(() -> AlibabaOpenbTrace.load(dir, "broken"))
        .hasMessage(
            pods + " line 2 column 5 (gpu_milli): Expected 1000 when num_gpu is 2, but was '500'");

    Files.writeString(pods, AlibabaOpenbTrace.PODS_HEADER + "\nopenb-pod-0000,12000,16384\n");
    assertThatThrownBy(() -> AlibabaOpenbTrace.load(dir, "broken"))
        .hasMessageEndingWith(
            "line 2 column 4: Expected 5 columns, but was 3 in 'openb-pod-0000,12000,16384'");
  }

  @Test
  void rejectsAWrongHeaderAndAnUnknownPodList(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("openb_node_list_gpu_node.csv"), "sn,cpu,memory\n" + NODE_ROW);
    Files.writeString(dir.resolve("openb_pod_list_x.csv"), AlibabaOpenbTrace.PODS_HEADER + "\n");

    assertThatThrownBy(() -> AlibabaOpenbTrace.load(dir, "x"))
        .hasMessageContaining(
            "openb_node_list_gpu_node.csv line 1: Expected the header '"
                + AlibabaOpenbTrace.NODES_HEADER
                + "', but was 'sn,cpu,memory'");
    assertThatThrownBy(() -> AlibabaOpenbTrace.load(dir, "nope"))
        .hasMessageStartingWith("Expected a pod list such as default, gpushare40 or multigpu30");
  }
}
