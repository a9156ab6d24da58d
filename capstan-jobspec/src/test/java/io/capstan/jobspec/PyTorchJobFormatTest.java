package io.capstan.jobspec;

import static io.capstan.jobspec.TestingSpecs.assertInvalid;
import static io.capstan.jobspec.TestingSpecs.invalid;
import static io.capstan.jobspec.TestingSpecs.parser;
import static io.capstan.jobspec.TestingSpecs.replaceOnce;
import static io.capstan.jobspec.TestingSpecs.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.ElasticPolicy;
import io.capstan.api.job.Framework;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.PodDetails;
import io.capstan.api.job.PodVolume;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.Resources;
import io.capstan.api.job.RestartPolicy;
import io.capstan.api.job.VolumeMount;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kubeflow v1 PyTorchJobs, as users apply them to a cluster. */
class PyTorchJobFormatTest {
  private static final String IMAGE = "docker.io/kubeflowkatib/pytorch-mnist-gpu:v1beta1-45c5727";
  private static final String WORKER = "spec.pytorchReplicaSpecs.Worker";
  private static final String WORKER_CONTAINER = WORKER + ".template.spec.containers[1]";

  private static String mnist() {
    return resource("pytorchjob-mnist.yaml");
  }

  @Test
  void parsesARealWorldJobWithMasterAndWorkers() {
    JobSpec spec = parser().parse(mnist());

    assertThat(spec)
        .isEqualTo(
            JobSpec.builder("pytorch-mnist-ddp", Framework.PYTORCH, "PyTorchJob")
                .replicaGroups(
                    List.of(
                        new ReplicaGroupSpec(
                            ReplicaRole.MASTER,
                            1,
                            IMAGE,
                            List.of("python3", "/opt/pytorch-mnist/mnist.py", "--epochs=1"),
                            List.of(),
                            Map.of(),
                            new Resources(1000, 2L << 30, 0),
                            RestartPolicy.EXIT_CODE),
                        new ReplicaGroupSpec(
                            ReplicaRole.WORKER,
                            2,
                            IMAGE,
                            List.of("python3", "/opt/pytorch-mnist/mnist.py"),
                            List.of("--epochs=1", "--backend", "nccl"),
                            Map.of("NCCL_DEBUG", "INFO", "LOG_EVERY", "10"),
                            new Resources(2000, 4L << 30, 1),
                            RestartPolicy.ON_FAILURE,
                            new PodDetails(
                                "/opt/pytorch-mnist",
                                List.of(
                                    new PodVolume(
                                        "dshm",
                                        null,
                                        new PodVolume.EmptyDir(true, null),
                                        null,
                                        null,
                                        null)),
                                List.of(new VolumeMount("dshm", "/dev/shm", null, false)),
                                Map.of(),
                                List.of(),
                                Map.of(),
                                Map.of("sidecar.istio.io/inject", "false")))))
                .backoffLimit(5)
                .activeDeadlineSeconds(7200L)
                .ttlSecondsAfterFinished(3600L)
                .labels(Map.of("team", "vision", "version", "2"))
                .ignoredFields(spec.ignoredFields()) // listed in the test below
                .nprocPerNode("1")
                .build());
  }

  @Test
  void fieldsThatChangeWhatRunsButAreNotActedOnAreListedNotDropped() {
    JobSpec spec = parser().parse(mnist());

    assertThat(spec.ignoredFields())
        .containsExactly(
            WORKER + ".template.spec.nodeSelector",
            WORKER + ".template.spec.tolerations",
            WORKER + ".template.spec.containers[0] (only one container of a replica runs)");
    assertThat(parser().parse(resource("pytorchjob-workers-only.yaml")).ignoredFields())
        .as("image, command, args, env, resources, ports and pull policy are read or moot;")
        .as("the elastic policy is honoured")
        .isEmpty();
  }

  @Test
  void parsesAJobWithoutMaster() {
    JobSpec spec = parser().parse(resource("pytorchjob-workers-only.yaml"));

    assertThat(spec.name()).matches("elastic-[a-z0-9]{5}");
    assertThat(spec.replicaGroups())
        .containsExactly(
            new ReplicaGroupSpec(
                ReplicaRole.WORKER,
                4,
                "python:3.12",
                List.of(), // args only: python:3.12's entrypoint runs them
                List.of("python3", "-c", "print('hello')"),
                Map.of(),
                Resources.NONE,
                RestartPolicy.ON_FAILURE)); // the Training Operator's default for PyTorchJob
    assertThat(spec.backoffLimit()).isEqualTo(1);
    assertThat(spec.activeDeadlineSeconds()).isNull();
    assertThat(spec.ttlSecondsAfterFinished()).isNull();
  }

  @Test
  void runPolicyWinsOverTheOlderSpecFields() {
    String text =
        replaceOnce(mnist(), "spec:\n  runPolicy:\n", "spec:\n  backoffLimit: 9\n  runPolicy:\n");

    assertThat(parser().parse(text).backoffLimit()).isEqualTo(5);
  }

  @Test
  void suspendedOnlyWithKueuesQueueLabel() {
    String suspended = replaceOnce(mnist(), "  runPolicy:\n", "  runPolicy:\n    suspend: true\n");

    assertInvalid(
        suspended,
        "spec.runPolicy.suspend",
        "Expected spec.runPolicy.suspend to be false, or true with the label"
            + " kueue.x-k8s.io/queue-name (Capstan's scheduler admits the job as Kueue would), but"
            + " it is true without it: Capstan cannot keep a job suspended");
    String queued =
        replaceOnce(
            suspended,
            "    team: vision\n",
            "    team: vision\n    kueue.x-k8s.io/queue-name: q\n");
    assertThat(parser().parse(queued).name()).isEqualTo(parser().parse(mnist()).name());
  }

  @Test
  void aBuiltInPriorityClassSetsThePriorityAndAClustersOwnClassCountsAsNormal() {
    String high =
        replaceOnce(
            mnist(), "      queue: default\n", "      queue: default\n      priorityClass: high\n");
    String custom = high.replace("priorityClass: high", "priorityClass: gpu-critical");

    assertThat(parser().parse(high).priority()).isEqualTo(100);
    assertThat(parser().parse(custom).priority()).isZero();
  }

  @Test
  void backoffLimitUnsetMeansNoLimitAsInTheTrainingOperator() {
    String text = replaceOnce(mnist(), "    backoffLimit: 5\n", "");

    assertThat(parser().parse(text).backoffLimit()).isEqualTo(JobSpec.NO_BACKOFF_LIMIT);
  }

  @Test
  void treatsAlwaysAsOnFailure() {
    String text = replaceOnce(mnist(), "restartPolicy: ExitCode", "restartPolicy: Always");

    assertThat(parser().parse(text).replicaGroups().get(0).restartPolicy())
        .isEqualTo(RestartPolicy.ON_FAILURE);
  }

  @Test
  void acceptsAutoProcessesPerNode() {
    String text = replaceOnce(mnist(), "nprocPerNode: \"1\"", "nprocPerNode: auto");

    assertThat(parser().parse(text).replicaCount()).isEqualTo(3);
  }

  @Test
  void rejectsBadReplicaCounts() {
    assertInvalid(
        replaceOnce(mnist(), "replicas: 2", "replicas: 0"),
        WORKER + ".replicas",
        "Expected replica count of 'worker' to be between 1 and 512, but was 0");
    assertInvalid(
        replaceOnce(mnist(), "replicas: 2", "replicas: 100000"),
        WORKER + ".replicas",
        "Expected replica count of 'worker' to be between 1 and 512, but was 100000");
    assertInvalid(
        replaceOnce(mnist(), "replicas: 2", "replicas: \"2\""),
        WORKER + ".replicas",
        "Expected " + WORKER + ".replicas to be an integer, but was the string '2'");
    assertInvalid(
        replaceOnce(mnist(), "replicas: 1", "replicas: 2"),
        "spec.pytorchReplicaSpecs.Master.replicas",
        "Expected replica count of 'master' to be 1 (a job has one master), but was 2");
  }

  @Test
  void rejectsUnknownAndDuplicateReplicaTypes() {
    assertInvalid(
        replaceOnce(mnist(), "    Master:", "    Launcher:"),
        "spec.pytorchReplicaSpecs.Launcher",
        "Expected the replica types of spec.pytorchReplicaSpecs to be among Master, Worker, but"
            + " found 'Launcher'");
    assertInvalid(
        replaceOnce(mnist(), "    Master:", "    worker:"),
        "spec.pytorchReplicaSpecs.worker",
        "Expected one replica spec for role 'worker' in spec.pytorchReplicaSpecs, but found both"
            + " 'Worker' and 'worker'");
  }

  @Test
  void rejectsMissingReplicaSpecs() {
    String empty =
        """
        apiVersion: kubeflow.org/v1
        kind: PyTorchJob
        metadata: {name: empty}
        spec:
          pytorchReplicaSpecs: {}
        """;
    assertInvalid(
        empty,
        "spec.pytorchReplicaSpecs",
        "Expected at least one replica group in spec.pytorchReplicaSpecs, but found none");
    assertInvalid(
        empty.replace("  pytorchReplicaSpecs: {}", "  tfReplicaSpecs: {}"),
        "spec.pytorchReplicaSpecs",
        "Expected spec.pytorchReplicaSpecs to be set, but it is missing");
    assertInvalid(
        empty.replace("{}", "{Worker: }"),
        "spec.pytorchReplicaSpecs.Worker",
        "Expected spec.pytorchReplicaSpecs.Worker to be a replica spec, but it is empty");
    assertInvalid(
        empty.replace("{}", "{Worker: {replicas: 1}}"),
        "spec.pytorchReplicaSpecs.Worker.template",
        "Expected spec.pytorchReplicaSpecs.Worker.template to be set, but it is missing");
    assertInvalid(
        empty.replace("{}", "{Worker: {template: {spec: {containers: []}}}}"),
        "spec.pytorchReplicaSpecs.Worker.template.spec.containers",
        "Expected spec.pytorchReplicaSpecs.Worker.template.spec.containers to list at least one"
            + " container, but found none");
  }

  @Test
  void aContainerWithoutCommandOrArgsRunsItsImagesEntrypoint() {
    String text =
        replaceOnce(
            mnist(),
            "              command: [\"python3\", \"/opt/pytorch-mnist/mnist.py\", \"--epochs=1\"]\n",
            "");

    ReplicaGroupSpec master = parser().parse(text).replicaGroups().get(0);

    assertThat(master.command()).as("the image's entrypoint runs").isEmpty();
    assertThat(master.args()).isEmpty();
    assertThat(master.runsEntrypoint()).isTrue();
    assertThat(master.commandField())
        .as("named when the runtime refuses it at submission")
        .isEqualTo("spec.pytorchReplicaSpecs.Master.template.spec.containers[0].command");
  }

  @Test
  void rejectsBadResources() {
    assertInvalid(
        replaceOnce(mnist(), "cpu: \"2\"", "cpu: 2 cores"),
        WORKER_CONTAINER + ".resources.limits.cpu",
        "Expected a CPU quantity such as '2' or '500m', but was '2 cores' in "
            + WORKER_CONTAINER
            + ".resources.limits.cpu");
    assertInvalid(
        replaceOnce(mnist(), "nvidia.com/gpu: 1", "nvidia.com/gpu: half"),
        WORKER_CONTAINER + ".resources.limits[nvidia.com/gpu]",
        "Expected "
            + WORKER_CONTAINER
            + ".resources.limits[nvidia.com/gpu] to be a whole number of GPUs, but was 'half'");
    assertThat(invalid(replaceOnce(mnist(), "memory: 1Gi", "memory: lots")).field())
        .isEqualTo(WORKER_CONTAINER + ".resources.requests.memory");
  }

  @Test
  void rejectsBadRestartPolicies() {
    assertInvalid(
        replaceOnce(mnist(), "restartPolicy: OnFailure", "restartPolicy: Sometimes"),
        WORKER + ".restartPolicy",
        "Expected "
            + WORKER
            + ".restartPolicy to be one of Always, OnFailure, Never, ExitCode, but was"
            + " 'Sometimes'");
  }

  @Test
  void rejectsBadRunPolicies() {
    assertInvalid(
        replaceOnce(mnist(), "backoffLimit: 5", "backoffLimit: -1"),
        "spec.runPolicy.backoffLimit",
        "Expected spec.runPolicy.backoffLimit to be at least 0, but was -1");
    assertInvalid(
        replaceOnce(mnist(), "activeDeadlineSeconds: 7200", "activeDeadlineSeconds: 0"),
        "spec.runPolicy.activeDeadlineSeconds",
        "Expected spec.runPolicy.activeDeadlineSeconds to be at least 1, but was 0");
    assertInvalid(
        replaceOnce(mnist(), "ttlSecondsAfterFinished: 3600", "ttlSecondsAfterFinished: 1h"),
        "spec.runPolicy.ttlSecondsAfterFinished",
        "Expected spec.runPolicy.ttlSecondsAfterFinished to be an integer, but was the string"
            + " '1h'");
  }

  @Test
  void readsProcessesPerNodeWithTheOlderElasticFieldAsFallback() {
    assertThat(parser().parse(mnist()).processesPerNode()).isEqualTo(1);
    assertThat(
            parser()
                .parse(replaceOnce(mnist(), "nprocPerNode: \"1\"", "nprocPerNode: \"4\""))
                .processesPerNode())
        .isEqualTo(4);
    assertThat(
            parser()
                .parse(
                    replaceOnce(
                        resource("pytorchjob-workers-only.yaml"),
                        "nProcPerNode: 1",
                        "nProcPerNode: 2"))
                .processesPerNode())
        .isEqualTo(2);
  }

  @Test
  void rejectsBadProcessesPerReplica() {
    assertInvalid(
        replaceOnce(mnist(), "nprocPerNode: \"1\"", "nprocPerNode: \"0\""),
        "spec.nprocPerNode",
        "Expected spec.nprocPerNode to be a whole number from 1 to 64 or 'auto', but was '0'");
    assertInvalid(
        replaceOnce(resource("pytorchjob-workers-only.yaml"), "nProcPerNode: 1", "nProcPerNode: x"),
        "spec.elasticPolicy.nProcPerNode",
        "Expected spec.elasticPolicy.nProcPerNode to be a whole number from 1 to 64 or 'auto', but"
            + " was 'x'");
  }

  @Test
  void rejectsBadEnvEntries() {
    assertInvalid(
        replaceOnce(
            mnist(),
            "                  value: INFO\n",
            "                  valueFrom: {fieldRef: {fieldPath: spec.nodeSelector}}\n"),
        WORKER_CONTAINER + ".env[0].valueFrom.fieldRef.fieldPath",
        "Expected "
            + WORKER_CONTAINER
            + ".env[0].valueFrom.fieldRef.fieldPath to be one of metadata.name,"
            + " metadata.namespace, metadata.uid, metadata.labels['KEY'],"
            + " metadata.annotations['KEY'], spec.nodeName, spec.serviceAccountName,"
            + " status.podIP, status.hostIP, but was 'spec.nodeSelector'");
    assertInvalid(
        replaceOnce(mnist(), "- name: NCCL_DEBUG", "- name: NCCL DEBUG"),
        WORKER_CONTAINER + ".env[0].name",
        "Expected an environment variable name of letters, digits, '_', '-' and '.', not"
            + " starting with a digit, but was 'NCCL DEBUG'");
  }

  @Test
  void rejectsBadNames() {
    assertInvalid(
        replaceOnce(mnist(), "name: pytorch-mnist-ddp", "name: pytorch.mnist"),
        "metadata.name",
        "Expected metadata.name to be a DNS-1123 label (lowercase letters, digits and '-',"
            + " starting and ending with a letter or digit) of at most 50 characters, but was"
            + " 'pytorch.mnist'");
  }

  /** The Training Operator's elastic example, examples/pytorch/elastic/echo/echo.yaml (v1.8.1). */
  private static String echo(String policyLines) {
    return """
        apiVersion: "kubeflow.org/v1"
        kind: PyTorchJob
        metadata:
          name: elastic-example-echo
        spec:
          elasticPolicy:
        %s
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
        """
        .formatted(policyLines.indent(4).stripTrailing());
  }

  @Test
  void elasticPolicyIsReadAsTheOperatorDefaultsIt() {
    JobSpec spec =
        parser().parse(echo("rdzvBackend: c10d\nminReplicas: 1\nmaxReplicas: 2\nmaxRestarts: 100"));

    assertThat(spec.elastic())
        .isEqualTo(new ElasticPolicy(1, 2, "c10d", null, Map.of(), 100, false));
    assertThat(spec.elastic().nnodes()).isEqualTo("1:2");
    assertThat(spec.nprocPerNode()).as("the operator's default since v1.7").isEqualTo("auto");
    assertThat(spec.processesPerNode()).isEqualTo(1);
    assertThat(spec.ignoredFields()).isEmpty();

    ElasticPolicy defaults = parser().parse(echo("maxRestarts: 3")).elastic();
    assertThat(defaults)
        .as("no min or max: both the Worker replicas; backend c10d")
        .isEqualTo(new ElasticPolicy(2, 2, "c10d", null, Map.of(), 3, false));
    assertThat(parser().parse(echo("maxReplicas: 2")).elastic().nnodes()).isEqualTo("2:2");
    assertThat(parser().parse(echo("minReplicas: 2")).elastic().nnodes()).isEqualTo("2:2");
  }

  @Test
  void elasticRendezvousSettingsAreKeptInOrder() {
    ElasticPolicy policy =
        parser()
            .parse(
                echo(
                    """
                    rdzvId: echo-1
                    standalone: false
                    rdzvConf:
                      - {key: timeout, value: "120"}
                      - {key: join_timeout, value: 600}
                    """))
            .elastic();

    assertThat(policy.rdzvId()).isEqualTo("echo-1");
    assertThat(policy.rdzvConfText()).isEqualTo("timeout=120,join_timeout=600");
    assertThat(policy.maxRestarts()).isNull();
  }

  @Test
  void elasticFieldsCapstanCannotHonourAreWarnedOrRefused() {
    JobSpec spec =
        parser()
            .parse(
                echo(
                    """
                    rdzvHost: rendezvous.example.com
                    rdzvPort: 29400
                    metrics:
                      - type: Resource
                        resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}
                    """));
    assertThat(spec.ignoredFields())
        .containsExactly(
            "spec.elasticPolicy.rdzvHost (the rendezvous runs at worker 0's endpoint, which"
                + " Capstan chooses on one machine)",
            "spec.elasticPolicy.rdzvPort (the rendezvous runs at worker 0's endpoint, which"
                + " Capstan chooses on one machine)",
            "spec.elasticPolicy.metrics (no autoscaling: the job runs its declared Worker"
                + " replicas)");

    assertInvalid(
        echo("rdzvBackend: etcd"),
        "spec.elasticPolicy.rdzvBackend",
        "Expected spec.elasticPolicy.rdzvBackend to be c10d (etcd and etcd-v2 need an etcd server,"
            + " which does not run on one machine), but was 'etcd'");
    assertInvalid(
        echo("minReplicas: 3\nmaxReplicas: 4"),
        "spec.elasticPolicy",
        "Expected the job's 2 replicas to be between spec.elasticPolicy.minReplicas (3) and"
            + " spec.elasticPolicy.maxReplicas (4): Capstan starts the declared replicas and does"
            + " not scale them, so the rendezvous would not close");
    assertInvalid(
        echo("minReplicas: 2\nmaxReplicas: 1"),
        "spec.elasticPolicy.minReplicas",
        "Expected spec.elasticPolicy.minReplicas to be at most maxReplicas (1), but was 2");
    assertInvalid(
        replaceOnce(
            echo("nProcPerNode: 2"),
            "  elasticPolicy:\n",
            "  nprocPerNode: \"2\"\n  elasticPolicy:\n"),
        "spec.elasticPolicy.nProcPerNode",
        "Expected only one of spec.nprocPerNode and spec.elasticPolicy.nProcPerNode (deprecated)"
            + " to be set, but both are");
    assertInvalid(
        replaceOnce(
            replaceOnce(echo("maxRestarts: 1"), "    Worker:", "    Master:"),
            "replicas: 2",
            "replicas: 1"),
        "spec.pytorchReplicaSpecs.Worker",
        "Expected spec.pytorchReplicaSpecs.Worker to be set for an elastic PyTorchJob (its"
            + " rendezvous runs on worker 0), but it is missing");
  }

  @Test
  void processesPerNodeAsTheOperatorSetsTorchrunsVariable() {
    assertThat(parser().parse(replaceOnce(mnist(), "  nprocPerNode: \"1\"\n", "")).nprocPerNode())
        .isEqualTo("auto");
    assertThat(
            parser()
                .parse(replaceOnce(mnist(), "nprocPerNode: \"1\"", "nprocPerNode: auto"))
                .nprocPerNode())
        .isEqualTo("auto");
    assertThat(parser().parse(echo("nProcPerNode: 2")).nprocPerNode()).isEqualTo("2");
  }
}
