package io.capstan.jobspec;

import static io.capstan.jobspec.TestingSpecs.assertInvalid;
import static io.capstan.jobspec.TestingSpecs.invalid;
import static io.capstan.jobspec.TestingSpecs.parser;
import static io.capstan.jobspec.TestingSpecs.resource;
import static io.capstan.jobspec.TestingSpecs.trainingJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.job.Framework;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.Resources;
import io.capstan.api.job.RestartPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Capstan's own TrainingJob format, in YAML and JSON. */
class CapstanTrainingJobFormatTest {
  private static final String WORKER = "replicas: [{role: worker, command: [python3, train.py]}]";

  private static final JobSpec MNIST =
      JobSpec.builder("mnist", Framework.PYTORCH, "TrainingJob")
          .replicaGroups(
              List.of(
                  new ReplicaGroupSpec(
                      ReplicaRole.MASTER,
                      1,
                      "pytorch",
                      List.of("python3", "train.py"),
                      List.of("--epochs", "3"),
                      Map.of("EPOCHS", "3", "DEBUG", "true", "NAME", "mnist"),
                      new Resources(1000, 2L << 30, 1),
                      RestartPolicy.EXIT_CODE),
                  new ReplicaGroupSpec(
                      ReplicaRole.WORKER,
                      2,
                      "host",
                      List.of("python3", "train.py"),
                      List.of(),
                      Map.of("ROLE", "worker"),
                      new Resources(500, 512L << 20, 0),
                      RestartPolicy.ON_FAILURE)))
          .backoffLimit(2)
          .activeDeadlineSeconds(3600L)
          .ttlSecondsAfterFinished(86400L)
          .labels(Map.of("team", "vision"))
          .build();

  @Test
  void parsesYaml() {
    assertThat(parser().parse(resource("trainingjob.yaml"))).isEqualTo(MNIST);
  }

  @Test
  void parsesJsonOfTheSameStructure() {
    assertThat(parser().parse(resource("trainingjob.json"))).isEqualTo(MNIST);
  }

  @Test
  void parsesTabIndentedJson() {
    String json =
        "{\n\t\"apiVersion\": \"capstan.io/v1\",\n\t\"kind\": \"TrainingJob\",\n"
            + "\t\"metadata\": {\"name\": \"tabs\"},\n"
            + "\t\"spec\": {\"replicas\": [{\"role\": \"worker\", \"command\": [\"true\"]}]}\n}";

    assertThat(parser().parse(json).name()).isEqualTo("tabs");
  }

  @Test
  void appliesDefaults() {
    JobSpec spec = parser().parse(trainingJob(WORKER));

    assertThat(spec)
        .isEqualTo(
            JobSpec.builder("mnist", Framework.GENERIC, "TrainingJob")
                .replicaGroups(
                    List.of(
                        new ReplicaGroupSpec(
                            ReplicaRole.WORKER,
                            1,
                            "host",
                            List.of("python3", "train.py"),
                            List.of(),
                            Map.of(),
                            Resources.NONE,
                            RestartPolicy.NEVER)))
                .backoffLimit(3)
                .labels(Map.of())
                .build());
  }

  @Test
  void aGroupsVolumesAndWorkingDirAreRead() {
    JobSpec spec =
        parser()
            .parse(
                trainingJob(
                    "replicas: [{role: worker, command: [python3, train.py], workingDir: /work,"
                        + " volumes: [{name: data, persistentVolumeClaim: {claimName: mnist}}],"
                        + " volumeMounts: [{name: data, mountPath: /data}]}]"));

    assertThat(spec.ignoredFields()).isEmpty();
    assertThat(spec.replicaGroups().get(0).pod().workingDir()).isEqualTo("/work");
    assertThat(spec.replicaGroups().get(0).pod().volumes()).hasSize(1);
  }

  @Test
  void generatesANameFromGenerateName() {
    String text =
        trainingJob(WORKER).replace("metadata: {name: mnist}", "metadata: {generateName: mnist-}");
    JobSpecParser parser = parser();

    String first = parser.parse(text).name();
    String second = parser.parse(text).name();

    assertThat(first).matches("mnist-[a-z0-9]{5}");
    assertThat(second).matches("mnist-[a-z0-9]{5}").isNotEqualTo(first);
  }

  @Test
  void nameWinsOverGenerateName() {
    String text =
        trainingJob(WORKER)
            .replace("metadata: {name: mnist}", "metadata: {name: mnist, generateName: other-}");

    assertThat(parser().parse(text).name()).isEqualTo("mnist");
  }

  @Test
  void argsWithoutCommandStayArgsOfTheImagesEntrypoint() {
    ReplicaGroupSpec group =
        parser()
            .parse(trainingJob("replicas: [{role: worker, args: [python3, train.py]}]"))
            .replicaGroups()
            .get(0);

    assertThat(group.command()).isEmpty();
    assertThat(group.args()).containsExactly("python3", "train.py");
    assertThat(group.commandField()).isEqualTo("spec.replicas[0].command");
  }

  @Test
  void groupsInheritTheJobRestartPolicy() {
    JobSpec spec = parser().parse(trainingJob("restartPolicy: OnFailure", WORKER));

    assertThat(spec.replicaGroups().get(0).restartPolicy()).isEqualTo(RestartPolicy.ON_FAILURE);
  }

  @Test
  void rejectsUnknownFields() {
    assertInvalid(
        trainingJob("queue: high", WORKER),
        "spec.queue",
        "Expected spec to have only the fields framework, restartPolicy, backoffLimit,"
            + " activeDeadlineSeconds, ttlSecondsAfterFinished, priority, priorityClassName,"
            + " replicas, registerModel, processesPerNode, datasets, but found the unknown field 'queue'");
  }

  @Test
  void readsAPriorityNumberOrAPriorityClass() {
    assertThat(parser().parse(trainingJob("priority: 50", WORKER)).priority()).isEqualTo(50);
    assertThat(parser().parse(trainingJob("priorityClassName: high", WORKER)).priority())
        .isEqualTo(100);
    assertThat(parser().parse(trainingJob("", WORKER)).priority()).isZero();
  }

  @Test
  void rejectsAnUnknownPriorityClassAndAnOutOfRangePriority() {
    assertInvalid(
        trainingJob("priorityClassName: urgent", WORKER),
        "spec.priorityClassName",
        "Expected spec.priorityClassName to be one of low, normal, high, but was 'urgent'");
    assertThatThrownBy(() -> parser().parse(trainingJob("priority: 5000", WORKER)))
        .isInstanceOfSatisfying(
            CapstanException.class, e -> assertThat(e.field()).isEqualTo("spec.priority"));
    assertInvalid(
        trainingJob("replicas: [{role: worker, comand: [python3]}]"),
        "spec.replicas[0].comand",
        "Expected spec.replicas[0] to have only the fields role, count, image, command, args,"
            + " env, envFrom, resources, restartPolicy, workingDir, volumes, volumeMounts, but"
            + " found the unknown field 'comand'");
    assertThat(invalid(trainingJob(WORKER) + "status: {}\n").field()).isEqualTo("status");
    assertThat(
            invalid(trainingJob("replicas: [{role: worker, command: [x], resources: {gpus: 1}}]"))
                .field())
        .isEqualTo("spec.replicas[0].resources.gpus");
  }

  @Test
  void rejectsBadMetadata() {
    String noMetadata = trainingJob(WORKER).replace("metadata: {name: mnist}\n", "");
    assertInvalid(noMetadata, "metadata", "Expected metadata to be set, but it is missing");
    assertInvalid(
        trainingJob(WORKER).replace("{name: mnist}", "{labels: {a: b}}"),
        "metadata.name",
        "Expected metadata.name or metadata.generateName, but neither is set");
    assertInvalid(
        trainingJob(WORKER).replace("name: mnist", "name: MNIST_1"),
        "metadata.name",
        "Expected metadata.name to be a DNS-1123 label (lowercase letters, digits and '-',"
            + " starting and ending with a letter or digit) of at most 50 characters, but was"
            + " 'MNIST_1'");
    assertThat(invalid(trainingJob(WORKER).replace("name: mnist", "name: mnist-")).field())
        .isEqualTo("metadata.name");
    assertThat(
            invalid(trainingJob(WORKER).replace("name: mnist", "name: " + "a".repeat(51))).field())
        .isEqualTo("metadata.name");
    assertThat(
            invalid(trainingJob(WORKER).replace("name: mnist", "generateName: " + "a".repeat(46)))
                .field())
        .isEqualTo("metadata.generateName");
    assertThat(invalid(trainingJob(WORKER).replace("name: mnist", "generateName: -a")).field())
        .isEqualTo("metadata.generateName");
    assertInvalid(
        trainingJob(WORKER).replace("{name: mnist}", "{name: mnist, labels: {a: [b]}}"),
        "metadata.labels.a",
        "Expected metadata.labels.a to be a string, number or boolean, but was a list");
  }

  @Test
  void acceptsANameOfFiftyCharacters() {
    String name = "a".repeat(49) + "1";

    assertThat(parser().parse(trainingJob(WORKER).replace("name: mnist", "name: " + name)).name())
        .isEqualTo(name);
  }

  @Test
  void rejectsBadFrameworks() {
    assertInvalid(
        trainingJob("framework: mpi", WORKER),
        "spec.framework",
        "Expected spec.framework to be one of pytorch, tensorflow, generic, but was 'mpi' (submit"
            + " an MPI job as the MPI Operator's kubeflow.org/v2beta1 MPIJob)");
    assertInvalid(
        trainingJob("framework: jax", WORKER),
        "spec.framework",
        "Expected spec.framework to be one of pytorch, tensorflow, generic, but was 'jax'");
  }

  @Test
  void processesPerNodeIsForPyTorchJobs() {
    assertThat(parser().parse(trainingJob(WORKER)).processesPerNode()).isEqualTo(1);
    assertThat(
            parser()
                .parse(trainingJob("framework: pytorch", "processesPerNode: 2", WORKER))
                .processesPerNode())
        .isEqualTo(2);
    assertInvalid(
        trainingJob("framework: tensorflow", "processesPerNode: 2", WORKER),
        "spec.processesPerNode",
        "Expected spec.processesPerNode to be 1 for framework tensorflow (torchrun starts the"
            + " processes of a pytorch job), but was 2");
    assertInvalid(
        trainingJob("framework: pytorch", "processesPerNode: many", WORKER),
        "spec.processesPerNode",
        "Expected spec.processesPerNode to be a whole number from 1 to 64 or 'auto', but was"
            + " 'many'");
  }

  @Test
  void rejectsBadRestartPolicies() {
    assertInvalid(
        trainingJob("restartPolicy: Sometimes", WORKER),
        "spec.restartPolicy",
        "Expected spec.restartPolicy to be one of Never, OnFailure, ExitCode, but was 'Sometimes'");
    assertThat(
            invalid(trainingJob("replicas: [{role: worker, command: [x], restartPolicy: Always}]"))
                .field())
        .isEqualTo("spec.replicas[0].restartPolicy");
  }

  @Test
  void rejectsBadJobLimits() {
    assertInvalid(
        trainingJob("backoffLimit: -1", WORKER),
        "spec.backoffLimit",
        "Expected spec.backoffLimit to be at least 0, but was -1");
    assertInvalid(
        trainingJob("activeDeadlineSeconds: 0", WORKER),
        "spec.activeDeadlineSeconds",
        "Expected spec.activeDeadlineSeconds to be at least 1, but was 0");
    assertInvalid(
        trainingJob("ttlSecondsAfterFinished: -5", WORKER),
        "spec.ttlSecondsAfterFinished",
        "Expected spec.ttlSecondsAfterFinished to be at least 0, but was -5");
    assertInvalid(
        trainingJob("backoffLimit: three", WORKER),
        "spec.backoffLimit",
        "Expected spec.backoffLimit to be an integer, but was the string 'three'");
    assertInvalid(
        trainingJob("backoffLimit: 1.5", WORKER),
        "spec.backoffLimit",
        "Expected spec.backoffLimit to be an integer, but was the number 1.5");
  }

  @Test
  void rejectsBadReplicaLists() {
    assertInvalid(
        trainingJob("framework: pytorch"),
        "spec.replicas",
        "Expected spec.replicas to list at least one replica group, but it is missing");
    assertInvalid(
        trainingJob("replicas: []"),
        "spec.replicas",
        "Expected at least one replica group in spec.replicas, but found none");
    assertInvalid(
        trainingJob("replicas: {role: worker}"),
        "spec.replicas",
        "Expected spec.replicas to be a list, but was a mapping");
    assertInvalid(
        trainingJob("replicas: [worker]"),
        "spec.replicas[0]",
        "Expected spec.replicas[0] to be a mapping, but was the string 'worker'");
    assertInvalid(
        trainingJob("replicas: [{role: worker, command: [a]}, {role: Worker, command: [b]}]"),
        "spec.replicas[1].role",
        "Expected each role once in spec.replicas, but found 'worker' again");
    assertInvalid(
        trainingJob("replicas: [{role: trainer, command: [a]}]"),
        "spec.replicas[0].role",
        "Expected spec.replicas[0].role to be one of master, worker, ps, chief, evaluator,"
            + " launcher, but was 'trainer'");
    assertInvalid(
        trainingJob("replicas: [{command: [a]}]"),
        "spec.replicas[0].role",
        "Expected spec.replicas[0].role to be set, but it is missing");
  }

  @Test
  void rejectsBadReplicaCounts() {
    assertInvalid(
        trainingJob("replicas: [{role: worker, count: 0, command: [a]}]"),
        "spec.replicas[0].count",
        "Expected replica count of 'worker' to be between 1 and 512, but was 0");
    assertInvalid(
        trainingJob("replicas: [{role: worker, count: -3, command: [a]}]"),
        "spec.replicas[0].count",
        "Expected replica count of 'worker' to be between 1 and 512, but was -3");
    assertInvalid(
        trainingJob("replicas: [{role: ps, count: 513, command: [a]}]"),
        "spec.replicas[0].count",
        "Expected replica count of 'ps' to be between 1 and 512, but was 513");
    assertInvalid(
        trainingJob("replicas: [{role: worker, count: 100000000000000000000000, command: [a]}]"),
        "spec.replicas[0].count",
        "Expected replica count of 'worker' to be between 1 and 512, but was"
            + " 100000000000000000000000");
    assertInvalid(
        trainingJob("replicas: [{role: worker, count: '2', command: [a]}]"),
        "spec.replicas[0].count",
        "Expected spec.replicas[0].count to be an integer, but was the string '2'");
    assertInvalid(
        trainingJob("replicas: [{role: master, count: 2, command: [a]}]"),
        "spec.replicas[0].count",
        "Expected replica count of 'master' to be 1 (a job has one master), but was 2");
    assertInvalid(
        trainingJob(
            "replicas:",
            "- {role: worker, count: 512, command: [a]}",
            "- {role: ps, count: 512, command: [a]}",
            "- {role: evaluator, command: [a]}"),
        "spec.replicas",
        "Expected at most 1024 replicas in a job, but was 1025");
  }

  @Test
  void groupsWithoutCommandRunTheirImagesEntrypointAndABadCommandIsRefused() {
    assertThat(
            parser()
                .parse(trainingJob("replicas: [{role: worker, image: pytorch}]"))
                .replicaGroups()
                .get(0)
                .runsEntrypoint())
        .as("neither command nor args: the image's entrypoint and default args run")
        .isTrue();
    assertInvalid(
        trainingJob("replicas: [{role: worker, command: python3 train.py}]"),
        "spec.replicas[0].command",
        "Expected spec.replicas[0].command to be a list, but was the string 'python3 train.py'");
    assertInvalid(
        trainingJob("replicas: [{role: worker, command: [python3, train.py], args: [--lr, 0.10]}]"),
        "spec.replicas[0].args[1]",
        "Expected spec.replicas[0].args[1] to be a string, but was the number 0.1; quote it");
  }

  @Test
  void rejectsBadQuantities() {
    CapstanException cpu =
        invalid(trainingJob("replicas: [{role: worker, command: [a], resources: {cpu: two}}]"));
    assertThat(cpu.field()).isEqualTo("spec.replicas[0].resources.cpu");
    assertThat(cpu.getMessage())
        .isEqualTo(
            "Expected a CPU quantity such as '2' or '500m', but was 'two' in"
                + " spec.replicas[0].resources.cpu");
    assertThat(cpu.getCause()).isInstanceOf(IllegalArgumentException.class);

    assertInvalid(
        trainingJob("replicas: [{role: worker, command: [a], resources: {memory: 2Gb}}]"),
        "spec.replicas[0].resources.memory",
        "Expected a memory quantity such as '512Mi' or '4Gi', but was '2Gb' in"
            + " spec.replicas[0].resources.memory");
    assertInvalid(
        trainingJob("replicas: [{role: worker, command: [a], resources: {memory: -1Gi}}]"),
        "spec.replicas[0].resources.memory",
        "Expected spec.replicas[0].resources.memory to be a non-negative quantity, but was"
            + " '-1Gi'");
    assertInvalid(
        trainingJob("replicas: [{role: worker, command: [a], resources: {gpu: 0.5}}]"),
        "spec.replicas[0].resources.gpu",
        "Expected spec.replicas[0].resources.gpu to be a whole number of GPUs, but was '0.5'");
    assertInvalid(
        trainingJob("replicas: [{role: worker, command: [a], resources: {gpu: -1}}]"),
        "spec.replicas[0].resources.gpu",
        "Expected spec.replicas[0].resources.gpu to be a non-negative whole number of GPUs, but"
            + " was '-1'");
    assertInvalid(
        trainingJob("replicas: [{role: worker, command: [a], resources: {cpu: true}}]"),
        "spec.replicas[0].resources.cpu",
        "Expected spec.replicas[0].resources.cpu to be a CPU quantity such as '2' or '500m', but"
            + " was the boolean true");
  }

  @Test
  void rejectsBadEnvironments() {
    assertInvalid(
        trainingJob("replicas: [{role: worker, command: [a], env: {1X: a}}]"),
        "spec.replicas[0].env.1X",
        "Expected an environment variable name of letters, digits, '_', '-' and '.', not"
            + " starting with a digit, but was '1X'");
    assertInvalid(
        trainingJob("replicas: [{role: worker, command: [a], env: {A: {b: c}}}]"),
        "spec.replicas[0].env.A",
        "Expected spec.replicas[0].env.A to be a string, number or boolean, but was a mapping");
    assertInvalid(
        trainingJob("replicas: [{role: worker, command: [a], env: [{value: x}]}]"),
        "spec.replicas[0].env[0].name",
        "Expected spec.replicas[0].env[0].name to be set, but it is missing");
    assertInvalid(
        trainingJob("replicas: [{role: worker, command: [a], env: A=b}]"),
        "spec.replicas[0].env",
        "Expected spec.replicas[0].env to be a mapping of names to values or a list of {name,"
            + " value}, but was the string 'A=b'");
    assertInvalid(
        trainingJob("replicas: [{role: worker, command: [a], env: {DAY: 2024-01-01}}]"),
        "spec.replicas[0].env.DAY",
        "Expected spec.replicas[0].env.DAY to be a string, number or boolean, but was a"
            + " timestamp; quote it");
  }

  @Test
  void acceptsEmptyEnvValues() {
    Map<String, String> env =
        parser()
            .parse(trainingJob("replicas: [{role: worker, command: [a], env: {EMPTY: }}]"))
            .replicaGroups()
            .get(0)
            .env();

    assertThat(env).containsExactly(Map.entry("EMPTY", ""));
  }
}
