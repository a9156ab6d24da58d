package io.capstan.server.job;

import static io.capstan.server.job.JobFixture.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.Framework;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.JobSuccessPolicy;
import io.capstan.api.job.ReplicaRole;
import io.capstan.jobspec.JobSpecParser;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.ReplicaPhase;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class RendezvousTest {
  private final JsonMapper json = JsonMapper.builder().build();
  private final Rendezvous rendezvous = new Rendezvous(json);

  @Test
  void pytorchMasterIsRankZeroAndWorkersFollow() {
    JobSpec spec =
        job("ddp")
            .framework(Framework.PYTORCH)
            .group(ReplicaRole.MASTER, 1)
            .group(ReplicaRole.WORKER, 2)
            .build();
    Map<String, String> endpoints = endpoints(spec);

    Map<String, String> worker1 = env(spec, "worker-1", endpoints);

    assertThat(worker1)
        .containsEntry("MASTER_ADDR", "127.0.0.1")
        .containsEntry("MASTER_PORT", "20000")
        .containsEntry("WORLD_SIZE", "3")
        .containsEntry("RANK", "2")
        .containsEntry("LOCAL_RANK", "0");
    assertThat(env(spec, "master-0", endpoints)).containsEntry("RANK", "0");
  }

  @Test
  void pytorchWithoutMasterUsesWorkerZero() {
    JobSpec spec = job("ddp").framework(Framework.PYTORCH).group(ReplicaRole.WORKER, 2).build();

    Map<String, String> env = env(spec, "worker-1", endpoints(spec));

    assertThat(env).containsEntry("MASTER_PORT", "20000").containsEntry("WORLD_SIZE", "2");
    assertThat(env).containsEntry("RANK", "1");
  }

  @Test
  void trainJobNodesGetTorchrunsVariablesWithNodeZeroAsMaster() {
    JobSpec spec =
        new JobSpecParser()
            .parse(
                """
                apiVersion: trainer.kubeflow.org/v1alpha1
                kind: TrainJob
                metadata: {name: ddp}
                spec:
                  runtimeRef: {name: torch-distributed}
                  trainer:
                    numNodes: 3
                    command: [torchrun, train.py]
                """);
    Map<String, String> endpoints = endpoints(spec);

    Map<String, String> node2 = env(spec, "worker-2", endpoints);

    assertThat(node2)
        .containsEntry("PET_NNODES", "3")
        .containsEntry("PET_NPROC_PER_NODE", "1")
        .containsEntry("PET_NODE_RANK", "2")
        .containsEntry("PET_MASTER_ADDR", "127.0.0.1")
        .containsEntry("PET_MASTER_PORT", "20000");
    assertThat(node2)
        .as("what a script started without torchrun reads, in agreement")
        .containsEntry("MASTER_ADDR", "127.0.0.1")
        .containsEntry("MASTER_PORT", "20000")
        .containsEntry("WORLD_SIZE", "3")
        .containsEntry("RANK", "2");
    assertThat(env(spec, "worker-0", endpoints))
        .containsEntry("PET_NODE_RANK", "0")
        .containsEntry("PET_MASTER_PORT", "20000");
  }

  @Test
  void severalProcessesPerNodeCountInTheWorldSizeNotInTheNodeRank() {
    JobSpec spec =
        job("ddp").framework(Framework.PYTORCH).group(ReplicaRole.WORKER, 2).build().toBuilder()
            .processesPerNode(4)
            .build();

    assertThat(env(spec, "worker-1", endpoints(spec)))
        .containsEntry("PET_NNODES", "2")
        .containsEntry("PET_NPROC_PER_NODE", "4")
        .containsEntry("PET_NODE_RANK", "1")
        .containsEntry("WORLD_SIZE", "8")
        .containsEntry("RANK", "1");
  }

  @Test
  void pytorchJobsGetTorchrunsVariablesToo() {
    JobSpec spec =
        job("ddp")
            .framework(Framework.PYTORCH)
            .group(ReplicaRole.MASTER, 1)
            .group(ReplicaRole.WORKER, 1)
            .build();

    assertThat(env(spec, "worker-0", endpoints(spec)))
        .containsEntry("PET_NNODES", "2")
        .containsEntry("PET_NODE_RANK", "1")
        .containsEntry("PET_MASTER_ADDR", "127.0.0.1")
        .containsEntry("PET_MASTER_PORT", "20000");
  }

  @Test
  void tfConfigListsEveryReplicaTypeEvaluatorIncludedAndNamesTask() {
    JobSpec spec =
        job("tf")
            .framework(Framework.TENSORFLOW)
            .group(ReplicaRole.PS, 1)
            .group(ReplicaRole.WORKER, 2)
            .group(ReplicaRole.EVALUATOR, 1)
            .build();

    JsonNode config = json.readTree(env(spec, "worker-1", endpoints(spec)).get("TF_CONFIG"));

    assertThat(config.get("cluster").get("ps").get(0).asString()).isEqualTo("127.0.0.1:20000");
    assertThat(config.get("cluster").get("worker").size()).isEqualTo(2);
    assertThat(config.get("cluster").get("worker").get(1).asString()).isEqualTo("127.0.0.1:20002");
    assertThat(config.get("cluster").get("evaluator").get(0).asString())
        .as("the operator's genClusterSpec lists every replica type, evaluators too")
        .isEqualTo("127.0.0.1:20003");
    assertThat(config.get("task").get("type").asString()).isEqualTo("worker");
    assertThat(config.get("task").get("index").asInt()).isEqualTo(1);
    JsonNode evaluator =
        json.readTree(env(spec, "evaluator-0", endpoints(spec)).get("TF_CONFIG")).get("task");
    assertThat(evaluator.get("type").asString()).isEqualTo("evaluator");
  }

  @Test
  void tfJobMasterStaysMasterInTfConfig() {
    JobSpec spec =
        new JobSpecParser()
            .parse(
                """
                apiVersion: kubeflow.org/v1
                kind: TFJob
                metadata: {name: tf}
                spec:
                  tfReplicaSpecs:
                    Master:
                      template: {spec: {containers: [{name: tensorflow, command: [python, m.py]}]}}
                    Worker:
                      replicas: 1
                      template: {spec: {containers: [{name: tensorflow, command: [python, m.py]}]}}
                """);

    JsonNode config = json.readTree(env(spec, "master-0", endpoints(spec)).get("TF_CONFIG"));

    assertThat(config.get("cluster").get("master").get(0).asString()).isEqualTo("127.0.0.1:20000");
    assertThat(config.get("cluster").has("chief")).isFalse();
    assertThat(config.get("task").get("type").asString()).isEqualTo("master");
    assertThat(config.get("environment").asString()).isEqualTo("cloud");
  }

  @Test
  void aTfJobOfOneReplicaGetsNoTfConfigAsInTheOperator() {
    JobSpec single = job("tf").framework(Framework.TENSORFLOW).group(ReplicaRole.WORKER, 1).build();
    JobSpec two = job("tf").framework(Framework.TENSORFLOW).group(ReplicaRole.WORKER, 2).build();

    assertThat(env(single, "worker-0", endpoints(single))).doesNotContainKey("TF_CONFIG");
    assertThat(env(two, "worker-0", endpoints(two))).containsKey("TF_CONFIG");
  }

  /** The Training Operator's examples/pytorch/elastic/echo/echo.yaml (v1.8.1), unchanged. */
  private static final String ELASTIC_ECHO =
      """
      apiVersion: "kubeflow.org/v1"
      kind: PyTorchJob
      metadata:
        name: elastic-example-echo
      spec:
        elasticPolicy:
          rdzvBackend: c10d
          minReplicas: 1
          maxReplicas: 2
          maxRestarts: 100
        pytorchReplicaSpecs:
          Worker:
            replicas: 2
            template:
              spec:
                containers:
                  - name: pytorch
                    image: kubeflow/pytorch-elastic-example-echo:latest
                    imagePullPolicy: IfNotPresent
                    env:
                    - name: LOGLEVEL
                      value: DEBUG
                    command:
                      - python
                      - -m
                      - torch.distributed.run
                      - --rdzv_backend=c10d
                      - ./echo.py
      """;

  @Test
  void elasticPyTorchJobGetsTheOperatorsRendezvousVariables() {
    JobSpec spec = new JobSpecParser().parse(ELASTIC_ECHO);

    Map<String, String> worker1 = env(spec, "worker-1", endpoints(spec));

    // What envvar.go and elastic.go (v1.8.1) set for this job: PET_RDZV_ENDPOINT is
    // elastic-example-echo-worker-0:23456 there; here worker 0's endpoint.
    assertThat(worker1)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "PET_RDZV_ENDPOINT", "127.0.0.1:20000",
                "PET_RDZV_BACKEND", "c10d",
                "PET_NNODES", "1:2",
                "PET_MAX_RESTARTS", "100",
                "PET_NPROC_PER_NODE", "auto"));
    assertThat(env(spec, "worker-0", endpoints(spec))).isEqualTo(worker1);
  }

  @Test
  void elasticRendezvousIdConfAndStandaloneArePassedOn() {
    JobSpec spec =
        new JobSpecParser()
            .parse(
                ELASTIC_ECHO.replace(
                    "    maxRestarts: 100\n",
                    """
                        rdzvId: echo
                        standalone: true
                        nProcPerNode: 2
                        rdzvConf:
                          - {key: timeout, value: "120"}
                          - {key: last_call_timeout, value: "5"}
                    """));

    assertThat(env(spec, "worker-0", endpoints(spec)))
        .containsEntry("PET_RDZV_ID", "echo")
        .containsEntry("PET_RDZV_CONF", "timeout=120,last_call_timeout=5")
        .containsEntry("PET_STANDALONE", "1")
        .containsEntry("PET_NPROC_PER_NODE", "2")
        .doesNotContainKey("PET_MAX_RESTARTS");
  }

  @Test
  void anElasticJobSucceedsWithAnyWorkerAsInTheOperator() {
    JobSpec spec = new JobSpecParser().parse(ELASTIC_ECHO);
    Map<String, ReplicaObservation> observed = new LinkedHashMap<>();
    observed.put("worker-0", observation("worker-0", ReplicaPhase.RUNNING));
    observed.put("worker-1", observation("worker-1", ReplicaPhase.SUCCEEDED));

    assertThat(SuccessPolicy.succeeded(spec, observed)).isTrue();
    assertThat(SuccessPolicy.message(spec, observed, 0))
        .isEqualTo("a worker of the elastic job exited 0; the other replica is stopped");
    observed.put("worker-1", observation("worker-1", ReplicaPhase.FAILED));
    assertThat(SuccessPolicy.succeeded(spec, observed)).isFalse();
  }

  @Test
  void pytorchJobsWithoutNprocPerNodeGetTheOperatorsAuto() {
    JobSpec spec =
        new JobSpecParser()
            .parse(ELASTIC_ECHO.replaceAll("(?s)  elasticPolicy:.*?maxRestarts: 100\n", ""));

    assertThat(env(spec, "worker-1", endpoints(spec)))
        .containsEntry("PET_NPROC_PER_NODE", "auto")
        .containsEntry("PET_NNODES", "2")
        .containsEntry("WORLD_SIZE", "2");
  }

  @Test
  void tensorflowSucceedsWithWorkerZeroWhileParameterServersRun() {
    JobSpec spec =
        job("tf")
            .framework(Framework.TENSORFLOW)
            .group(ReplicaRole.PS, 1)
            .group(ReplicaRole.WORKER, 2)
            .build();
    Map<String, ReplicaObservation> observed = new LinkedHashMap<>();
    observed.put("ps-0", observation("ps-0", ReplicaPhase.RUNNING));
    observed.put("worker-0", observation("worker-0", ReplicaPhase.SUCCEEDED));
    observed.put("worker-1", observation("worker-1", ReplicaPhase.RUNNING));

    assertThat(SuccessPolicy.succeeded(spec, observed)).isTrue();
    spec =
        job("tf")
            .framework(Framework.TENSORFLOW)
            .group(ReplicaRole.PS, 1)
            .group(ReplicaRole.WORKER, 2)
            .build()
            .toBuilder()
            .successPolicy(JobSuccessPolicy.ALL_WORKERS)
            .build();
    assertThat(SuccessPolicy.succeeded(spec, observed)).isFalse();
  }

  @Test
  void pytorchWithoutMasterNeedsEveryWorker() {
    JobSpec spec = job("ddp").framework(Framework.PYTORCH).group(ReplicaRole.WORKER, 2).build();
    Map<String, ReplicaObservation> observed = new LinkedHashMap<>();
    observed.put("worker-0", observation("worker-0", ReplicaPhase.SUCCEEDED));
    observed.put("worker-1", observation("worker-1", ReplicaPhase.RUNNING));

    assertThat(SuccessPolicy.succeeded(spec, observed)).isFalse();
    observed.put("worker-1", observation("worker-1", ReplicaPhase.SUCCEEDED));
    assertThat(SuccessPolicy.succeeded(spec, observed)).isTrue();
  }

  @Test
  void successMessageNamesTheReplicaThatDecidedAndCountsTheStoppedOnes() {
    JobSpec mpi =
        job("pi")
            .framework(Framework.MPI)
            .group(ReplicaRole.LAUNCHER, 1)
            .group(ReplicaRole.WORKER, 3)
            .build();
    Map<String, ReplicaObservation> observed = new LinkedHashMap<>();
    observed.put("launcher-0", observation("launcher-0", ReplicaPhase.SUCCEEDED));
    for (int i = 0; i < 3; i++) {
      observed.put("worker-" + i, observation("worker-" + i, ReplicaPhase.RUNNING));
    }
    assertThat(SuccessPolicy.message(mpi, observed, 0))
        .isEqualTo("launcher-0 exited 0; the other 3 replicas are stopped");

    JobSpec ddp = job("ddp").framework(Framework.PYTORCH).group(ReplicaRole.WORKER, 2).build();
    observed.clear();
    observed.put("worker-0", observation("worker-0", ReplicaPhase.SUCCEEDED));
    observed.put("worker-1", observation("worker-1", ReplicaPhase.SUCCEEDED));
    assertThat(SuccessPolicy.message(ddp, observed, 1))
        .isEqualTo("all 2 replicas exited 0 (after 1 restart)");

    JobSpec tf =
        job("tf")
            .framework(Framework.TENSORFLOW)
            .group(ReplicaRole.PS, 1)
            .group(ReplicaRole.WORKER, 2)
            .build();
    observed.clear();
    observed.put("ps-0", observation("ps-0", ReplicaPhase.RUNNING));
    observed.put("worker-0", observation("worker-0", ReplicaPhase.SUCCEEDED));
    observed.put("worker-1", observation("worker-1", ReplicaPhase.SUCCEEDED));
    assertThat(SuccessPolicy.message(tf, observed, 2))
        .isEqualTo("worker-0 exited 0; the other replica is stopped (after 2 restarts)");
  }

  private Map<String, String> env(JobSpec spec, String replica, Map<String, String> endpoints) {
    Rendezvous.Replica r =
        Rendezvous.replicas(spec).stream()
            .filter(x -> x.name().equals(replica))
            .findFirst()
            .orElseThrow();
    return rendezvous.environment(spec, r, endpoints);
  }

  private static Map<String, String> endpoints(JobSpec spec) {
    Map<String, String> endpoints = new LinkedHashMap<>();
    int port = 20000;
    for (Rendezvous.Replica replica : Rendezvous.replicas(spec)) {
      endpoints.put(replica.name(), "127.0.0.1:" + port++);
    }
    return endpoints;
  }

  private static ReplicaObservation observation(String replica, ReplicaPhase phase) {
    return new ReplicaObservation(new ReplicaId("tf-1", replica), 1, phase, null, null, null, null);
  }
}
