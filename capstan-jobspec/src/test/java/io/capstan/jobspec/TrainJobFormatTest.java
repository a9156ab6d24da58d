package io.capstan.jobspec;

import static io.capstan.jobspec.TestingSpecs.assertInvalid;
import static io.capstan.jobspec.TestingSpecs.invalid;
import static io.capstan.jobspec.TestingSpecs.parser;
import static io.capstan.jobspec.TestingSpecs.replaceOnce;
import static io.capstan.jobspec.TestingSpecs.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.Framework;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.ModelOutput;
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

/** Kubeflow Trainer TrainJobs on the torch-distributed runtime, as users apply them. */
class TrainJobFormatTest {
  private static final String MINIMAL =
      """
      apiVersion: trainer.kubeflow.org/v1alpha1
      kind: TrainJob
      metadata: {name: minimal}
      spec:
        runtimeRef: {name: torch-distributed}
        trainer:
          command: [torchrun, train.py]
      """;

  private static String finetune() {
    return resource("trainjob-torch.yaml");
  }

  @Test
  void parsesATrainJobIntoOneGroupOfNodes() {
    JobSpec spec = parser().parse(finetune());

    assertThat(spec)
        .isEqualTo(
            JobSpec.builder("llm-finetune", Framework.PYTORCH, "TrainJob")
                .replicaGroups(
                    List.of(
                        new ReplicaGroupSpec(
                            ReplicaRole.WORKER,
                            2,
                            "pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime",
                            List.of("torchrun", "/workspace/train.py"),
                            List.of("--epochs", "3", "--lr=0.01"),
                            Map.of("NCCL_DEBUG", "INFO", "SEED", "42"),
                            new Resources(8000, 32L << 30, 1),
                            RestartPolicy.ON_FAILURE,
                            new PodDetails(
                                null,
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
                                Map.of()))))
                .backoffLimit(3)
                .activeDeadlineSeconds(7200L)
                .labels(
                    Map.of(
                        "kueue.x-k8s.io/queue-name", "nlp-queue",
                        "kueue.x-k8s.io/priority-class", "high",
                        "team", "nlp"))
                .priority(100)
                .registerModel(new ModelOutput("finetuned", "model.onnx"))
                .ignoredFields(
                    List.of(
                        "spec.podTemplateOverrides[0].spec.nodeSelector",
                        "spec.podTemplateOverrides[0].spec.tolerations"))
                .build());
  }

  @Test
  void defaultsToOneNodeOnTheHostWithNormalPriority() {
    JobSpec spec = parser().parse(MINIMAL);

    assertThat(spec.sourceKind()).isEqualTo("TrainJob");
    assertThat(spec.framework()).isEqualTo(Framework.PYTORCH);
    assertThat(spec.replicaGroups())
        .containsExactly(
            new ReplicaGroupSpec(
                ReplicaRole.WORKER,
                1,
                "host",
                List.of("torchrun", "train.py"),
                List.of(),
                Map.of(),
                Resources.NONE,
                RestartPolicy.ON_FAILURE));
    assertThat(spec.backoffLimit()).isEqualTo(3);
    assertThat(spec.activeDeadlineSeconds()).isNull();
    assertThat(spec.priority()).isZero();
    assertThat(spec.registerModel()).isNull();
  }

  @Test
  void resourcesPerNodeTakesRequestsWhereNoLimitIsSet() {
    String text =
        MINIMAL
            + """
                resourcesPerNode:
                  requests: {cpu: 500m, memory: 1Gi, nvidia.com/gpu: "2"}
                  limits: {memory: 2Gi}
            """;

    assertThat(parser().parse(text).replicaGroups().get(0).resources())
        .isEqualTo(new Resources(500, 2L << 30, 2));
  }

  @Test
  void aKueuePriorityClassOfTheClustersOwnCountsAsNormal() {
    String text = replaceOnce(finetune(), "priority-class: high", "priority-class: gpu-critical");

    assertThat(parser().parse(text).priority()).isZero();
  }

  @Test
  void readsProcessesPerNode() {
    for (String value : List.of("1", "\"1\"", "auto")) {
      String text = replaceOnce(finetune(), "numProcPerNode: 1", "numProcPerNode: " + value);

      assertThat(parser().parse(text).processesPerNode()).as(value).isEqualTo(1);
    }
    JobSpec eight =
        parser().parse(replaceOnce(finetune(), "numProcPerNode: 1", "numProcPerNode: 8"));
    assertThat(eight.processesPerNode()).isEqualTo(8);
    assertThat(eight.replicaCount()).isEqualTo(2);
  }

  @Test
  void rejectsBadProcessesPerNode() {
    for (String value : List.of("0", "65", "gpu", "1.5")) {
      assertInvalid(
          replaceOnce(finetune(), "numProcPerNode: 1", "numProcPerNode: " + value),
          "spec.trainer.numProcPerNode",
          "Expected spec.trainer.numProcPerNode to be a whole number from 1 to 64 or 'auto', but"
              + " was '"
              + value
              + "'");
    }
  }

  @Test
  void acceptsOnlyTheBuiltInTorchRuntime() {
    assertInvalid(
        replaceOnce(finetune(), "name: torch-distributed", "name: deepspeed-distributed"),
        "spec.runtimeRef.name",
        "Expected spec.runtimeRef.name to be torch-distributed (the runtime Capstan has built in),"
            + " but was 'deepspeed-distributed'");
    assertInvalid(
        replaceOnce(finetune(), "kind: ClusterTrainingRuntime", "kind: TrainingRuntime"),
        "spec.runtimeRef.kind",
        "Expected spec.runtimeRef.kind to be ClusterTrainingRuntime (Capstan has the built-in"
            + " cluster runtime torch-distributed and no TrainingRuntime objects), but was"
            + " 'TrainingRuntime'");
    assertInvalid(
        replaceOnce(finetune(), "apiGroup: trainer.kubeflow.org", "apiGroup: example.com"),
        "spec.runtimeRef.apiGroup",
        "Expected spec.runtimeRef.apiGroup to be trainer.kubeflow.org, but was 'example.com'");
    assertInvalid(
        replaceOnce(MINIMAL, "  runtimeRef: {name: torch-distributed}\n", ""),
        "spec.runtimeRef",
        "Expected spec.runtimeRef to be set, but it is missing");
    assertInvalid(
        replaceOnce(MINIMAL, "{name: torch-distributed}", "{kind: ClusterTrainingRuntime}"),
        "spec.runtimeRef.name",
        "Expected spec.runtimeRef.name to be set, but it is missing");
  }

  @Test
  void rejectsInitializersThatNothingWouldRun() {
    assertInvalid(
        MINIMAL + "  initializer:\n    dataset: {storageUri: \"hf://tatsu-lab/alpaca\"}\n",
        "spec.initializer.dataset",
        "Expected no spec.initializer.dataset (Capstan does not run Trainer's initializers, so"
            + " nothing would download the dataset; fetch it in spec.trainer.command instead), but"
            + " it is set");
    assertThat(invalid(MINIMAL + "  initializer:\n    model: {storageUri: hf://x/y}\n").field())
        .isEqualTo("spec.initializer.model");
    assertThat(parser().parse(MINIMAL + "  initializer: {}\n").name()).isEqualTo("minimal");
  }

  @Test
  void suspendedOnlyWithKueuesQueueLabelWhichCapstansSchedulerReplaces() {
    String withoutQueue = replaceOnce(finetune(), "    kueue.x-k8s.io/queue-name: nlp-queue\n", "");

    assertInvalid(
        withoutQueue,
        "spec.suspend",
        "Expected spec.suspend to be false, or true with the label kueue.x-k8s.io/queue-name"
            + " (Capstan's scheduler admits the job as Kueue would), but it is true without it:"
            + " Capstan cannot keep a job suspended");
    assertThat(parser().parse(replaceOnce(withoutQueue, "suspend: true", "suspend: false")).name())
        .isEqualTo("llm-finetune");
    assertInvalid(
        replaceOnce(finetune(), "suspend: true", "suspend: \"yes\""),
        "spec.suspend",
        "Expected spec.suspend to be true or false, but was the string 'yes'");
  }

  @Test
  void theNodeContainersEnvInAnOverrideAddsToTheTrainersAndWins() {
    String overridden =
        replaceOnce(
            finetune(),
            "          - name: node\n",
            "          - name: node\n"
                + "            env:\n"
                + "              - {name: SEED, value: \"7\"}\n"
                + "              - name: HF_TOKEN\n"
                + "                valueFrom: {secretKeyRef: {name: hub, key: token}}\n");

    JobSpec spec = parser().parse(overridden);

    assertThat(spec.replicaGroups().get(0).env())
        .isEqualTo(Map.of("NCCL_DEBUG", "INFO", "SEED", "7"));
    assertThat(spec.replicaGroups().get(0).pod().valueFrom()).containsOnlyKeys("HF_TOKEN");
    assertThat(spec.ignoredFields()).noneMatch(field -> field.contains("env"));
    assertInvalid(
        replaceOnce(overridden, "{name: SEED, value: \"7\"}", "{name: PET_NNODES, value: \"3\"}"),
        "spec.podTemplateOverrides[0].spec.containers[0].env",
        "Expected spec.podTemplateOverrides[0].spec.containers[0].env not to set PET_NNODES,"
            + " which the torch-distributed runtime sets for torchrun, but it does");
  }

  @Test
  void theNodesVolumesAreReadFromOverridesAndTheRestIsListedAsNotActedOn() {
    String overridden =
        replaceOnce(
            finetune(),
            "managedBy: trainer.kubeflow.org/trainjob-controller",
            "managedBy: trainer.kubeflow.org/trainjob-controller\n"
                + "  podSpecOverrides:\n"
                + "    - targetJobs: [{name: node}]\n"
                + "      tolerations: [{key: nvidia.com/gpu, operator: Exists}]\n"
                + "    - targetJobs: [{name: launcher}]\n"
                + "      volumes: [{name: x, emptyDir: {}}]\n"
                + "  runtimePatches: []");

    assertThat(parser().parse(overridden).ignoredFields())
        .containsExactly(
            "spec.podTemplateOverrides[0].spec.nodeSelector",
            "spec.podTemplateOverrides[0].spec.tolerations",
            "spec.podSpecOverrides[0].tolerations",
            "spec.podSpecOverrides[1] (it targets no 'node' job)",
            "spec.runtimePatches");
    assertInvalid(
        replaceOnce(
            overridden,
            "      tolerations: [{key: nvidia.com/gpu, operator: Exists}]\n",
            "      volumes: [{name: y, emptyDir: {}}]\n"),
        "spec.podSpecOverrides[0].volumes",
        "Expected the volumes of the trainer's nodes in one override, but"
            + " spec.podTemplateOverrides[0].spec.volumes and spec.podSpecOverrides[0].volumes"
            + " both set them");
  }

  @Test
  void managedByNamesTrainerOrMultiKueue() {
    String multiKueue =
        replaceOnce(
            finetune(),
            "managedBy: trainer.kubeflow.org/trainjob-controller",
            "managedBy: kueue.x-k8s.io/multikueue");

    assertThat(parser().parse(multiKueue).name()).isEqualTo("llm-finetune");
    assertInvalid(
        replaceOnce(multiKueue, "kueue.x-k8s.io/multikueue", "example.com/other"),
        "spec.managedBy",
        "Expected spec.managedBy to be one of trainer.kubeflow.org/trainjob-controller,"
            + " kueue.x-k8s.io/multikueue, but was 'example.com/other'");
  }

  @Test
  void rejectsABadTrainer() {
    assertInvalid(
        replaceOnce(MINIMAL, "  trainer:\n    command: [torchrun, train.py]\n", ""),
        "spec.trainer",
        "Expected spec.trainer to be set, but it is missing");
    assertThat(
            parser()
                .parse(
                    replaceOnce(MINIMAL, "command: [torchrun, train.py]", "image: pytorch/pytorch"))
                .replicaGroups()
                .get(0)
                .commandField())
        .as("no command: the image's entrypoint runs, or submission names this field")
        .isEqualTo("spec.trainer.command");
    assertInvalid(
        replaceOnce(finetune(), "numNodes: 2", "numNodes: 0"),
        "spec.trainer.numNodes",
        "Expected spec.trainer.numNodes to be between 1 and 512, but was 0");
    assertInvalid(
        replaceOnce(finetune(), "memory: 32Gi", "memory: lots"),
        "spec.trainer.resourcesPerNode.limits.memory",
        "Expected a memory quantity such as '512Mi' or '4Gi', but was 'lots' in"
            + " spec.trainer.resourcesPerNode.limits.memory");
  }

  @Test
  void rejectsTorchrunsVariablesAndABadValueFromInTheTrainersEnv() {
    assertInvalid(
        replaceOnce(finetune(), "- name: SEED", "- name: PET_MASTER_ADDR"),
        "spec.trainer.env",
        "Expected spec.trainer.env not to set PET_MASTER_ADDR, which the torch-distributed runtime"
            + " sets for torchrun, but it does");
    assertInvalid(
        replaceOnce(
            finetune(),
            "        value: INFO\n",
            "        valueFrom: {secretKeyRef: {name: s, key: k}, fieldRef: {fieldPath: x}}\n"),
        "spec.trainer.env[0].valueFrom",
        "Expected spec.trainer.env[0].valueFrom to have exactly one of [fieldRef,"
            + " resourceFieldRef, secretKeyRef, configMapKeyRef], but found [secretKeyRef,"
            + " fieldRef]");
  }

  @Test
  void rejectsABadDeadline() {
    assertInvalid(
        replaceOnce(finetune(), "activeDeadlineSeconds: 7200", "activeDeadlineSeconds: 0"),
        "spec.activeDeadlineSeconds",
        "Expected spec.activeDeadlineSeconds to be at least 1, but was 0");
  }
}
