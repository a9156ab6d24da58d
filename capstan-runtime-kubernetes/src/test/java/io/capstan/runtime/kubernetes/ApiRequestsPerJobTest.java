package io.capstan.runtime.kubernetes;

import static io.capstan.runtime.testing.InMemoryProgram.program;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.api.job.Resources;
import io.capstan.runtime.Mount;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.ReplicaPhase;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the runtime sends the API server per admitted job of 8 pods, each on a node of its own as
 * the scheduler places a gang, with the checkpoint and output volumes every job has; and that
 * observing them all afterwards sends nothing. Sized by {@code -Dcapstan.bench.k8s.jobs} and {@code
 * -Dcapstan.bench.k8s.nodes} (10 and 80 by default, so it stays a quick test); the figures in
 * docs/benchmarks.md come from a larger run.
 */
class ApiRequestsPerJobTest {
  private static final int PODS_PER_JOB = 8;

  @TempDir Path scratch;

  @Test
  void aJobOfEightPodsSendsItsServiceClaimsAndPodsOnlyAndObservingSendsNothing() {
    int jobs = Integer.getInteger("capstan.bench.k8s.jobs", 10);
    int nodes = Integer.getInteger("capstan.bench.k8s.nodes", 80);
    long baselineMillis;
    try (TestingCluster identical = cluster(nodes)) {
      baselineMillis = baseline(identical, jobs);
    }
    try (TestingCluster cluster = cluster(nodes)) {
      KubernetesRuntimeConfig config =
          new KubernetesRuntimeConfig(
              KubernetesSettings.defaults(), null, null, 23456, scratch, Duration.ofSeconds(1));
      try (KubernetesRuntime runtime =
          new KubernetesRuntime(cluster.client(), config, Clock.systemUTC())) {
        // One job first: the project's namespace is made once, for all the jobs that follow.
        runtime.launchAll(job(0, nodes));
        int start = cluster.requests().size();
        long began = System.nanoTime();
        for (int j = 1; j <= jobs; j++) {
          runtime.launchAll(job(j, nodes));
        }
        long elapsedMillis = (System.nanoTime() - began) / 1_000_000;
        List<TestingCluster.Request> launching =
            since(cluster.requests(), start).stream()
                .filter(r -> !r.path().contains("/log?"))
                .toList();
        Map<String, Long> byKind =
            launching.stream()
                .collect(
                    Collectors.groupingBy(
                        r -> r.method() + " " + r.path().replaceAll(".*/", ""),
                        TreeMap::new,
                        Collectors.counting()));
        System.out.printf(
            "k8s bench: %d jobs x %d pods on %d nodes: %d requests (%.1f per job) in %d ms"
                + " (%.1f ms per job; baseline, the same pods POSTed bare: %.1f ms per job): %s%n",
            jobs,
            PODS_PER_JOB,
            nodes,
            launching.size(),
            launching.size() / (double) jobs,
            elapsedMillis,
            elapsedMillis / (double) jobs,
            baselineMillis / (double) jobs,
            byKind);

        // A service, three claims (checkpoints, output, metrics: decision 129) and the pods.
        assertThat(launching).hasSize(jobs * (1 + 3 + PODS_PER_JOB));
        assertThat(launching).noneMatch(TestingCluster.Request::isList);

        await()
            .atMost(Duration.ofMinutes(5))
            .until(
                () ->
                    runtime.observeAll().stream()
                            .filter(o -> o.phase() == ReplicaPhase.RUNNING)
                            .count()
                        == (long) (jobs + 1) * PODS_PER_JOB);
        int steady = cluster.requests().size();
        for (int cycle = 0; cycle < 10; cycle++) {
          for (int j = 0; j <= jobs; j++) {
            assertThat(runtime.observe("job-" + j)).hasSize(PODS_PER_JOB);
          }
          assertThat(runtime.nodes()).hasSize(nodes);
        }
        assertThat(
                since(cluster.requests(), steady).stream().filter(r -> !r.path().contains("/log?")))
            .isEmpty();
      }
    }
  }

  /** A mock API server with {@code nodes} nodes of 8 GPUs and the testing kubelet. */
  private static TestingCluster cluster(int nodes) {
    TestingCluster cluster = new TestingCluster();
    for (int n = 0; n < nodes; n++) {
      cluster.node("node-" + n, 8);
    }
    return cluster;
  }

  /**
   * The floor: as many bare pods as the jobs have, POSTed one after another by a plain client to an
   * identical mock API server (the same nodes and kubelet, nothing else running), in milliseconds.
   * They have no command the testing kubelet runs long.
   */
  private static long baseline(TestingCluster cluster, int jobs) {
    long began = System.nanoTime();
    for (int p = 0; p < jobs * PODS_PER_JOB; p++) {
      cluster
          .admin()
          .resource(
              new PodBuilder()
                  .withNewMetadata()
                  .withName("bare-" + p)
                  .withNamespace("baseline")
                  .endMetadata()
                  .withNewSpec()
                  .addNewContainer()
                  .withName("replica")
                  .withImage("busybox:1.36")
                  .withCommand("in-memory", "exit", "0")
                  .endContainer()
                  .endSpec()
                  .build())
          .create();
    }
    return (System.nanoTime() - began) / 1_000_000;
  }

  private static List<ReplicaLaunch> job(int index, int nodes) {
    List<ReplicaLaunch> launches = new ArrayList<>();
    for (int r = 0; r < PODS_PER_JOB; r++) {
      launches.add(
          ReplicaLaunch.builder(new ReplicaId("job-" + index, "worker-" + r))
              .image("pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime")
              .command(program().print("training").run())
              .resources(new Resources(4000, 32L << 30, 1))
              .tenant("bench")
              .node("node-" + ((index * PODS_PER_JOB + r) % nodes))
              .mount(Mount.volume("checkpoints", "/capstan/checkpoints"))
              .mount(Mount.volume("output", "/capstan/output"))
              .build());
    }
    return launches;
  }

  /** The requests from {@code start} on, of one snapshot (the log copies keep adding requests). */
  private static List<TestingCluster.Request> since(List<TestingCluster.Request> all, int start) {
    return all.subList(start, all.size());
  }
}
