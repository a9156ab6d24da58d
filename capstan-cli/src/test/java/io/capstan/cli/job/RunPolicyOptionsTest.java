package io.capstan.cli.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.JobSpec;
import io.capstan.api.job.ModelOutput;
import io.capstan.api.job.PriorityClass;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.TestingApiServer;
import io.capstan.cli.TestingCli;
import io.capstan.cli.TestingCli.Result;
import io.capstan.jobspec.JobSpecParser;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Arena's submit flags: each lands in the field a job's YAML would set, or is refused by name. */
class RunPolicyOptionsTest {
  private static final String JOBS = "/api/v1/projects/default/jobs";

  @TempDir Path temp;

  private final TestingApiServer server = TestingApiServer.start();
  private TestingCli cli;

  @BeforeEach
  void setUp() {
    cli = TestingCli.against(server, temp);
    server.respond(
        "POST",
        JOBS,
        201,
        "{\"name\":\"train-a\",\"project\":\"default\",\"uid\":\"u1\",\"phase\":\"Queued\"}");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void pytorchFlagsBecomeTheTrainingJobFieldsTheServerReads() {
    Result result =
        cli.run(
            "submit",
            "pytorch",
            "--name",
            "train-a",
            "--retry",
            "5",
            "--ttl-after-finished",
            "1h",
            "--running-timeout",
            "90m",
            "--priority",
            "high",
            "-e",
            "LR=0.1",
            "--label",
            "team=vision",
            "--label",
            "run=7",
            "--annotation",
            "capstan.io/register-model=mnist",
            "python train.py");

    assertThat(result.exitCode()).as(result.err()).isZero();
    String body = server.lastRequest().body();
    assertThat(body)
        .isEqualTo(
            "{\"apiVersion\":\"capstan.io/v1\",\"kind\":\"TrainingJob\","
                + "\"metadata\":{\"name\":\"train-a\","
                + "\"labels\":{\"team\":\"vision\",\"run\":\"7\"},"
                + "\"annotations\":{\"capstan.io/register-model\":\"mnist\"}},"
                + "\"spec\":{\"framework\":\"pytorch\",\"restartPolicy\":\"OnFailure\","
                + "\"backoffLimit\":5,\"activeDeadlineSeconds\":5400,"
                + "\"ttlSecondsAfterFinished\":3600,\"priorityClassName\":\"high\","
                + "\"replicas\":[{\"role\":\"worker\",\"count\":1,"
                + "\"command\":[\"sh\",\"-c\",\"python train.py\"],"
                + "\"env\":{\"LR\":\"0.1\"},"
                + "\"resources\":{\"cpu\":\"1\",\"memory\":\"1Gi\",\"gpu\":0}}]}}");
    JobSpec parsed = new JobSpecParser().parse(body);
    assertThat(parsed.backoffLimit()).isEqualTo(5);
    assertThat(parsed.activeDeadlineSeconds()).isEqualTo(5400);
    assertThat(parsed.ttlSecondsAfterFinished()).isEqualTo(3600);
    assertThat(parsed.priority()).isEqualTo(PriorityClass.HIGH.value());
    assertThat(parsed.labels()).isEqualTo(Map.of("team", "vision", "run", "7"));
    assertThat(parsed.registerModel()).isEqualTo(new ModelOutput("mnist", null));
  }

  @Test
  void aNumericPriorityIsTheSpecsPriority() {
    Result result = cli.run("submit", "tf", "--priority", "-250", "--", "python", "tf.py");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(server.lastRequest().body()).contains("\"backoffLimit\":3,\"priority\":-250,");
    assertThat(new JobSpecParser().parse(server.lastRequest().body()).priority()).isEqualTo(-250);
  }

  @Test
  void mpiFlagsBecomeItsRunPolicy() {
    Result result =
        cli.run(
            "submit",
            "mpi",
            "--retry",
            "0",
            "--running-timeout",
            "30s",
            "--ttl-after-finished",
            "0s",
            "--priority",
            "LOW",
            "--label",
            "team=hpc",
            "mpirun -n 2 python3 pi.py");

    assertThat(result.exitCode()).as(result.err()).isZero();
    String body = server.lastRequest().body();
    assertThat(body)
        .contains(
            "\"metadata\":{\"generateName\":\"mpijob-\",\"labels\":{\"team\":\"hpc\"}}",
            "\"runPolicy\":{\"backoffLimit\":0,\"activeDeadlineSeconds\":30,"
                + "\"ttlSecondsAfterFinished\":0,"
                + "\"schedulingPolicy\":{\"priorityClass\":\"low\"}}");
    JobSpec parsed = new JobSpecParser().parse(body);
    assertThat(parsed.backoffLimit()).isZero();
    assertThat(parsed.activeDeadlineSeconds()).isEqualTo(30);
    assertThat(parsed.ttlSecondsAfterFinished()).isZero();
    assertThat(parsed.priority()).isEqualTo(PriorityClass.LOW.value());
    assertThat(parsed.labels()).isEqualTo(Map.of("team", "hpc"));
  }

  @Test
  void dryRunPrintsTheYamlAndSendsNothing() {
    Result result =
        cli.run("submit", "job", "--name", "a", "--running-timeout", "1m", "--dry-run", "echo hi");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .isEqualTo(
            """
            apiVersion: capstan.io/v1
            kind: TrainingJob
            metadata:
              name: a
            spec:
              framework: generic
              restartPolicy: OnFailure
              backoffLimit: 3
              activeDeadlineSeconds: 60
              replicas:
              - role: worker
                count: 1
                command:
                - sh
                - -c
                - echo hi
                resources:
                  cpu: 1
                  memory: 1Gi
                  gpu: 0
            """);
    assertThat(server.requests()).isEmpty();
    assertThat(new JobSpecParser().parse(result.out()).activeDeadlineSeconds()).isEqualTo(60);
  }

  @Test
  void workingDirAndDataBecomeAGroupsWorkingDirVolumesAndMounts() {
    Result result =
        cli.run(
            "submit",
            "pytorch",
            "--name",
            "a",
            "--working-dir",
            "/workspace",
            "--data",
            "imagenet:/data",
            "--data",
            "imagenet:/data2",
            "--dry-run",
            "python train.py");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .contains(
            "    workingDir: /workspace\n"
                + "    volumeMounts:\n"
                + "    - name: imagenet\n"
                + "      mountPath: /data\n"
                + "    - name: imagenet\n"
                + "      mountPath: /data2\n"
                + "    volumes:\n"
                + "    - name: imagenet\n"
                + "      persistentVolumeClaim:\n"
                + "        claimName: imagenet\n");
    assertThat(new JobSpecParser().parse(result.out()).ignoredFields())
        .as("volumes and the working directory honoured (decision 83)")
        .isEmpty();
  }

  @Test
  void anMpiJobGetsThemInEveryPodTemplate() {
    Result result =
        cli.run(
            "submit",
            "mpi",
            "--working-dir",
            "/w",
            "--data",
            "ckpt:/ckpt",
            "--dry-run",
            "mpirun hostname");

    assertThat(result.exitCode()).as(result.err()).isZero();
    JobSpec parsed = new JobSpecParser().parse(result.out());
    assertThat(parsed.ignoredFields()).as("the working directory is honoured").isEmpty();
    assertThat(parsed.replicaGroups())
        .allSatisfy(group -> assertThat(group.pod().workingDir()).isEqualTo("/w"));
    assertThat(parsed.replicaGroups())
        .allSatisfy(group -> assertThat(group.pod().volumeMounts()).hasSize(1));
    assertThat(result.out()).contains("claimName: ckpt", "mountPath: /ckpt", "workingDir: /w");
  }

  @Test
  void flagsCapstanCannotHonourAreRefusedByNameAndSendNothing() {
    assertRefused(
        new String[] {"--working-dir", "workspace"},
        "error: Expected --working-dir to be an absolute path inside the replica, but was"
            + " 'workspace'\n");
    assertRefused(
        new String[] {"--data", "/data"},
        "error: Expected --data as NAME:PATH with NAME a volume claim's name (lowercase letters,"
            + " digits and '-'), but was '/data'\n");
    assertRefused(
        new String[] {"--data", "a:data"},
        "error: Expected the PATH of --data a:data to be an absolute path, but was 'data'\n");
    assertRefused(
        new String[] {"--data", "a:/d", "--data", "b:/d"},
        "error: Expected each --data PATH once, but /d is given twice\n");
    assertRefused(
        new String[] {"--annotation", "sidecar.istio.io/inject=false"},
        "error: --annotation 'sidecar.istio.io/inject' is not supported: Capstan keeps no"
            + " annotations on a job and reads only capstan.io/datasets and capstan.io/model-path and"
            + " capstan.io/register-model; use --label to tag a job\n");
  }

  @Test
  void badFlagValuesAreUsageErrorsNamingTheFlag() {
    assertRefused(
        new String[] {"--ttl-after-finished", "1500ms"},
        "error: Expected --ttl-after-finished in whole seconds (its YAML field counts seconds),"
            + " but was 1500ms\n");
    assertRefused(
        new String[] {"--running-timeout", "0s"},
        "error: Expected --running-timeout to be at least 1s, but was 0ms\n");
    assertRefused(
        new String[] {"--priority", "urgent"},
        "error: Expected --priority to be one of low, normal, high or a number from -1000 to"
            + " 1000, but was 'urgent'\n");
    assertRefused(
        new String[] {"--priority", "5000"},
        "error: Expected --priority to be from -1000 to 1000, but was 5000\n");
    assertRefused(
        new String[] {"--retry", "-1"}, "error: Expected --retry to be at least 0, but was -1\n");
    Result mpi = cli.run("submit", "mpi", "--priority", "50", "mpirun x");
    assertThat(mpi.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(mpi.err())
        .isEqualTo(
            "error: Expected --priority of an MPI job to be one of low, normal, high (its YAML"
                + " names a class in runPolicy.schedulingPolicy.priorityClass), but was '50'\n");
    assertThat(cli.run("submit", "pytorch", "--running-timeout", "soon", "x").err())
        .startsWith("error: Invalid value for option '--running-timeout'")
        .contains("Expected a duration such as 500ms, 30s, 10m, 1h or 2d, but was 'soon'");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void dataWithAVersionMountsADatasetThroughTheAnnotation() {
    Result result =
        cli.run(
            "submit",
            "pytorch",
            "--name",
            "a",
            "--data",
            "imagenet-mini@3:/data/imagenet",
            "--data",
            "scratch:/scratch",
            "--data",
            "vision/coco@1",
            "--dry-run",
            "python train.py");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(new JobSpecParser().parse(result.out()).datasets())
        .extracting(io.capstan.api.job.DatasetMount::reference)
        .containsExactly("imagenet-mini@3:/data/imagenet", "vision/coco@1:/datasets/coco");
    assertThat(result.out()).contains("claimName: scratch");
    assertRefused(
        new String[] {"--data", "imagenet@latest:/d"},
        "error: Expected --data to name a version number from 1 after '@' (versions are"
            + " immutable, so a job always names one), but 'imagenet@latest:/d' has 'latest'\n");
  }

  private void assertRefused(String[] flags, String err) {
    String[] args = new String[flags.length + 3];
    args[0] = "submit";
    args[1] = "pytorch";
    System.arraycopy(flags, 0, args, 2, flags.length);
    args[args.length - 1] = "python train.py";

    Result result = cli.run(args);

    assertThat(result.exitCode()).as(String.join(" ", flags)).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).isEqualTo(err);
    assertThat(server.requests()).isEmpty();
  }
}
