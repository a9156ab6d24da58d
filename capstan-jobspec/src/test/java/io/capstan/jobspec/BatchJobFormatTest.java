package io.capstan.jobspec;

import static io.capstan.jobspec.TestingSpecs.assertInvalid;
import static io.capstan.jobspec.TestingSpecs.parser;
import static io.capstan.jobspec.TestingSpecs.replaceOnce;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.EnvValueFrom;
import io.capstan.api.job.Framework;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.PodDetails;
import io.capstan.api.job.PodVolume;
import io.capstan.api.job.PriorityClass;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.Resources;
import io.capstan.api.job.RestartPolicy;
import io.capstan.api.job.VolumeMount;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kubernetes batch/v1 Jobs, as Katib's example trial templates and users apply them. */
class BatchJobFormatTest {
  /**
   * The trialSpec of Katib's examples/v1beta1/hp-tuning/random.yaml (commit 33c8ff4e), as Katib
   * renders it for a trial: named after the trial, its placeholders replaced by the trial's values.
   */
  private static final String KATIB_RANDOM_TRIAL =
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: random-x6wzvksb
        namespace: kubeflow
      spec:
        template:
          spec:
            containers:
              - name: training-container
                image: ghcr.io/kubeflow/katib/pytorch-mnist-cpu:latest
                command:
                  - "python3"
                  - "/opt/pytorch-mnist/mnist.py"
                  - "--epochs=1"
                  - "--batch-size=16"
                  - "--lr=0.0231"
                  - "--momentum=0.6214"
                resources:
                  limits:
                    memory: "1Gi"
                    cpu: "0.5"
            restartPolicy: Never
      """;

  /**
   * The trialSpec of Katib's examples/v1beta1/metrics-collector/file-metrics-collector.yaml, and of
   * hp-tuning/hyperband.yaml (the epochs a parameter), rendered for a trial.
   */
  private static final String KATIB_FILE_TRIAL =
      """
      apiVersion: batch/v1
      kind: Job
      metadata: {name: file-metrics-collector-7kq2x}
      spec:
        template:
          spec:
            containers:
              - name: training-container
                image: ghcr.io/kubeflow/katib/pytorch-mnist-cpu:latest
                command:
                  - "python3"
                  - "/opt/pytorch-mnist/mnist.py"
                  - "--epochs=1"
                  - "--log-path=/katib/mnist.log"
                  - "--lr=0.01"
                  - "--momentum=0.5"
            restartPolicy: Never
      """;

  private static final String MINIMAL =
      """
      apiVersion: batch/v1
      kind: Job
      metadata: {name: pi}
      spec:
        template:
          spec:
            containers:
              - name: pi
                image: host
                command: [/usr/bin/python3, -c, "print('accuracy=0.9')"]
            restartPolicy: Never
      """;

  private static ReplicaGroupSpec group(
      int count, String image, List<String> command, Resources resources, PodDetails pod) {
    return new ReplicaGroupSpec(
        ReplicaRole.WORKER,
        count,
        image,
        command,
        List.of(),
        Map.of(),
        resources,
        RestartPolicy.ON_FAILURE,
        pod);
  }

  @Test
  void katibsRandomSearchTrialIsOneWorkerRetriedUpToKubernetesBackoffLimit() {
    JobSpec spec = parser().parse(KATIB_RANDOM_TRIAL);

    assertThat(spec)
        .isEqualTo(
            JobSpec.builder("random-x6wzvksb", Framework.GENERIC, "Job")
                .replicaGroups(
                    List.of(
                        group(
                            1,
                            "ghcr.io/kubeflow/katib/pytorch-mnist-cpu:latest",
                            List.of(
                                "python3",
                                "/opt/pytorch-mnist/mnist.py",
                                "--epochs=1",
                                "--batch-size=16",
                                "--lr=0.0231",
                                "--momentum=0.6214"),
                            new Resources(500, 1L << 30, 0),
                            PodDetails.NONE)))
                .backoffLimit(6)
                .build());
    assertThat(spec.ignoredFields()).isEmpty();
    assertThat(spec.replicaGroups().get(0).commandField())
        .isEqualTo("spec.template.spec.containers[0].command");
  }

  @Test
  void katibsFileMetricsTrialParses() {
    JobSpec spec = parser().parse(KATIB_FILE_TRIAL);

    assertThat(spec.replicaGroups())
        .singleElement()
        .satisfies(
            group -> {
              assertThat(group.count()).isEqualTo(1);
              assertThat(group.command()).contains("--log-path=/katib/mnist.log");
              assertThat(group.resources()).isEqualTo(Resources.NONE);
            });
    assertThat(spec.sourceKind()).isEqualTo("Job");
  }

  @Test
  void backoffLimitDeadlineAndTtlAreCapstans() {
    JobSpec spec =
        parser()
            .parse(
                replaceOnce(
                    MINIMAL,
                    "  template:\n",
                    "  backoffLimit: 0\n  activeDeadlineSeconds: 600\n"
                        + "  ttlSecondsAfterFinished: 3600\n  template:\n"));

    assertThat(spec.backoffLimit()).isZero();
    assertThat(spec.activeDeadlineSeconds()).isEqualTo(600L);
    assertThat(spec.ttlSecondsAfterFinished()).isEqualTo(3600L);
  }

  @Test
  void onFailurePodsAlsoRestartTheJobUpToTheLimit() {
    JobSpec spec =
        parser().parse(replaceOnce(MINIMAL, "restartPolicy: Never", "restartPolicy: OnFailure"));

    assertThat(spec.replicaGroups().get(0).restartPolicy()).isEqualTo(RestartPolicy.ON_FAILURE);
    assertThat(spec.backoffLimit()).isEqualTo(BatchJobFormat.DEFAULT_BACKOFF_LIMIT);
  }

  @Test
  void completionsRunAtOnceWhenParallelismAllowsIt() {
    JobSpec spec =
        parser()
            .parse(
                replaceOnce(
                    MINIMAL, "  template:\n", "  completions: 4\n  parallelism: 4\n  template:\n"));

    assertThat(spec.replicaGroups())
        .singleElement()
        .extracting(ReplicaGroupSpec::count)
        .isEqualTo(4);
  }

  @Test
  void oneCompletionIsOnePodWhateverTheParallelism() {
    JobSpec spec =
        parser()
            .parse(
                replaceOnce(
                    MINIMAL, "  template:\n", "  completions: 1\n  parallelism: 3\n  template:\n"));

    assertThat(spec.replicaCount()).isEqualTo(1);
  }

  @Test
  void indexedPodsReadTheirCompletionIndexAsOnACluster() {
    JobSpec spec =
        parser()
            .parse(
                replaceOnce(
                    MINIMAL,
                    "  template:\n",
                    "  completions: 2\n  parallelism: 2\n  completionMode: Indexed\n  template:\n"));

    assertThat(spec.replicaGroups().get(0).pod().valueFrom())
        .containsExactly(
            Map.entry(
                "JOB_COMPLETION_INDEX",
                new EnvValueFrom(
                    "metadata.annotations['batch.kubernetes.io/job-completion-index']",
                    null,
                    null,
                    null)));
  }

  @Test
  void aCompletionIndexTheContainerSetsIsKept() {
    JobSpec spec =
        parser()
            .parse(
                replaceOnce(
                    replaceOnce(
                        MINIMAL,
                        "  template:\n",
                        "  completions: 2\n  parallelism: 2\n  completionMode: Indexed\n"
                            + "  template:\n"),
                    "      restartPolicy",
                    "          env: [{name: JOB_COMPLETION_INDEX, value: '7'}]\n"
                        + "      restartPolicy"));

    assertThat(spec.replicaGroups().get(0).env()).containsEntry("JOB_COMPLETION_INDEX", "7");
    assertThat(spec.replicaGroups().get(0).pod().valueFrom()).isEmpty();
  }

  @Test
  void podTemplateIsReadAsInEveryOtherFormat() {
    JobSpec spec =
        parser()
            .parse(
                """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: train
                  labels: {team: vision}
                spec:
                  template:
                    metadata:
                      labels: {app: train}
                    spec:
                      priorityClassName: high
                      nodeSelector: {gpu: a100}
                      volumes:
                        - {name: scratch, emptyDir: {}}
                      containers:
                        - name: train
                          image: pytorch/pytorch:2.7.1
                          args: [--lr, "0.1"]
                          workingDir: /work
                          env:
                            - {name: SEED, value: "1"}
                            - name: POD
                              valueFrom: {fieldRef: {fieldPath: metadata.name}}
                          volumeMounts:
                            - {name: scratch, mountPath: /scratch}
                          resources:
                            limits: {nvidia.com/gpu: 1, memory: 2Gi}
                          securityContext: {runAsUser: 1000}
                        - name: sidecar
                          image: busybox
                      restartPolicy: Never
                """);

    ReplicaGroupSpec group = spec.replicaGroups().get(0);
    assertThat(group.image()).isEqualTo("pytorch/pytorch:2.7.1");
    assertThat(group.command()).isEmpty();
    assertThat(group.args()).containsExactly("--lr", "0.1");
    assertThat(group.env()).isEqualTo(Map.of("SEED", "1"));
    assertThat(group.resources()).isEqualTo(new Resources(0, 2L << 30, 1));
    assertThat(group.pod())
        .isEqualTo(
            new PodDetails(
                "/work",
                List.of(
                    new PodVolume(
                        "scratch", null, new PodVolume.EmptyDir(false, null), null, null, null)),
                List.of(new VolumeMount("scratch", "/scratch", null, false)),
                Map.of("POD", new EnvValueFrom("metadata.name", null, null, null)),
                List.of(),
                Map.of("app", "train"),
                Map.of()));
    assertThat(spec.labels()).isEqualTo(Map.of("team", "vision"));
    assertThat(spec.priority()).isEqualTo(PriorityClass.HIGH.value());
    assertThat(spec.ignoredFields())
        .containsExactly(
            "spec.template.spec.nodeSelector",
            "spec.template.spec.containers[0].securityContext",
            "spec.template.spec.containers[1] (only one container of a replica runs)");
  }

  @Test
  void kueuesPriorityLabelWinsOverThePodsClass() {
    JobSpec spec =
        parser()
            .parse(
                replaceOnce(
                    replaceOnce(
                        MINIMAL,
                        "metadata: {name: pi}",
                        "metadata: {name: pi, labels: {kueue.x-k8s.io/priority-class: low}}"),
                    "      restartPolicy",
                    "      priorityClassName: high\n      restartPolicy"));

    assertThat(spec.priority()).isEqualTo(PriorityClass.LOW.value());
  }

  @Test
  void selectorsAreListedAsIgnored() {
    JobSpec spec =
        parser()
            .parse(
                replaceOnce(
                    MINIMAL,
                    "  template:\n",
                    "  manualSelector: true\n  selector: {matchLabels: {app: pi}}\n  template:\n"));

    assertThat(spec.ignoredFields()).containsExactly("spec.selector", "spec.manualSelector");
  }

  @Test
  void kueueSuspendedJobIsAdmittedByTheScheduler() {
    JobSpec spec =
        parser()
            .parse(
                replaceOnce(
                    replaceOnce(
                        MINIMAL,
                        "metadata: {name: pi}",
                        "metadata: {name: pi, labels: {kueue.x-k8s.io/queue-name: q}}"),
                    "  template:\n",
                    "  suspend: true\n  template:\n"));

    assertThat(spec.labels()).containsKey("kueue.x-k8s.io/queue-name");
  }

  @Test
  void podsThatWouldRunOneAfterAnotherAreRefused() {
    assertInvalid(
        replaceOnce(MINIMAL, "  template:\n", "  completions: 5\n  template:\n"),
        "spec.parallelism",
        "Expected spec.parallelism to be 5, as spec.completions is (Capstan starts all of a job's"
            + " pods at once), but was 1 (the default)");
    assertInvalid(
        replaceOnce(MINIMAL, "  template:\n", "  completions: 5\n  parallelism: 2\n  template:\n"),
        "spec.parallelism",
        "Expected spec.parallelism to be 5, as spec.completions is (Capstan starts all of a job's"
            + " pods at once), but was 2");
  }

  @Test
  void aWorkQueueIsRefused() {
    assertInvalid(
        replaceOnce(MINIMAL, "  template:\n", "  parallelism: 3\n  template:\n"),
        "spec.completions",
        "Expected spec.completions to be set when spec.parallelism is 3: without it the Job is a"
            + " work queue that succeeds when any pod does, and Capstan needs every replica of a"
            + " job to succeed; set spec.completions to 3 to run 3 pods that must all succeed");
  }

  @Test
  void policiesOtherThanTheBackoffLimitAreRefusedByPath() {
    for (String field :
        List.of(
            "podFailurePolicy: {rules: [{action: FailJob, onExitCodes: {operator: In, values: [42]}}]}",
            "successPolicy: {rules: [{succeededCount: 1}]}",
            "backoffLimitPerIndex: 1",
            "maxFailedIndexes: 2")) {
      String key = field.substring(0, field.indexOf(':'));
      assertInvalid(
          replaceOnce(MINIMAL, "  template:\n", "  " + field + "\n  template:\n"),
          "spec." + key,
          "Expected no spec."
              + key
              + " (Capstan decides a Job's failure by spec.backoffLimit alone and restarts all of"
              + " its pods together), but it is set");
    }
  }

  @Test
  void fieldsAJobDoesNotHaveAreRefused() {
    assertInvalid(
        replaceOnce(MINIMAL, "  template:\n", "  runPolicy: {backoffLimit: 2}\n  template:\n"),
        "spec.runPolicy",
        "Expected spec to have only the fields template, parallelism, completions,"
            + " completionMode, backoffLimit, activeDeadlineSeconds, ttlSecondsAfterFinished,"
            + " suspend, selector, manualSelector, podReplacementPolicy, managedBy,"
            + " podFailurePolicy, successPolicy, backoffLimitPerIndex, maxFailedIndexes, but found"
            + " the unknown field 'runPolicy'");
  }

  @Test
  void podsMustNotRestartForEver() {
    assertInvalid(
        replaceOnce(MINIMAL, "restartPolicy: Never", "restartPolicy: Always"),
        "spec.template.spec.restartPolicy",
        "Expected spec.template.spec.restartPolicy to be one of Never, OnFailure (a Job's pods may"
            + " not restart for ever), but was 'Always'");
    assertInvalid(
        replaceOnce(MINIMAL, "      restartPolicy: Never\n", ""),
        "spec.template.spec.restartPolicy",
        "Expected spec.template.spec.restartPolicy to be Never or OnFailure (a Job's pods may not"
            + " restart for ever), but it is missing");
  }

  @Test
  void suspendWithoutKueueIsRefused() {
    assertInvalid(
        replaceOnce(MINIMAL, "  template:\n", "  suspend: true\n  template:\n"),
        "spec.suspend",
        "Expected spec.suspend to be false, or true with the label kueue.x-k8s.io/queue-name"
            + " (Capstan's scheduler admits the job as Kueue would), but it is true without it:"
            + " Capstan cannot keep a job suspended");
  }

  @Test
  void otherControllersAreRefused() {
    assertInvalid(
        replaceOnce(MINIMAL, "  template:\n", "  managedBy: example.com/batch\n  template:\n"),
        "spec.managedBy",
        "Expected spec.managedBy to be one of kubernetes.io/job-controller,"
            + " kueue.x-k8s.io/multikueue, but was 'example.com/batch'");
  }

  @Test
  void indexedWithoutCompletionsIsRefused() {
    assertInvalid(
        replaceOnce(MINIMAL, "  template:\n", "  completionMode: Indexed\n  template:\n"),
        "spec.completions",
        "Expected spec.completions to be set, as spec.completionMode is Indexed, but it is"
            + " missing");
  }

  @Test
  void aJobNeedsAPodTemplateWithAContainer() {
    assertInvalid(
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: a}\nspec: {}\n",
        "spec.template",
        "Expected spec.template to be set, but it is missing");
    assertInvalid(
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: a}\n"
            + "spec: {template: {spec: {restartPolicy: Never, containers: []}}}\n",
        "spec.template.spec.containers",
        "Expected spec.template.spec.containers to list at least one container, but found none");
  }

  @Test
  void anotherApiVersionOfJobIsRefused() {
    assertInvalid(
        "apiVersion: batch/v1beta1\nkind: Job\nmetadata: {name: a}\n",
        "apiVersion",
        "Expected apiVersion 'batch/v1' for kind Job, but was 'batch/v1beta1'");
  }
}
