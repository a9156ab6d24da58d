package io.capstan.jobspec;

import static io.capstan.jobspec.TestingSpecs.assertInvalid;
import static io.capstan.jobspec.TestingSpecs.parser;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.EnvFromSource;
import io.capstan.api.job.EnvValueFrom;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.PodDetails;
import io.capstan.api.job.PodVolume;
import io.capstan.api.job.VolumeMount;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Volumes, mounts, working directory and environment from elsewhere in a pod template. */
class PodTemplateDetailsTest {
  private static final String CONTAINER = "spec.pytorchReplicaSpecs.Worker.template.spec";

  /** A PyTorchJob whose worker's pod spec has {@code podLines} and container {@code lines}. */
  private static String job(String podLines, String containerLines) {
    return """
        apiVersion: kubeflow.org/v1
        kind: PyTorchJob
        metadata: {name: volumes}
        spec:
          pytorchReplicaSpecs:
            Worker:
              replicas: 1
              template:
                metadata:
                  labels: {team: vision}
                  annotations: {note: "1"}
                spec:
        %s
                  containers:
                    - name: pytorch
                      image: example/train:1
                      command: [python3, train.py]
        %s
        """
        .formatted(podLines.indent(10).stripTrailing(), containerLines.indent(14).stripTrailing());
  }

  private static PodDetails pod(String podLines, String containerLines) {
    JobSpec spec = parser().parse(job(podLines, containerLines));
    assertThat(spec.ignoredFields()).as("workingDir is honoured (decision 83)").isEmpty();
    return spec.replicaGroups().get(0).pod();
  }

  @Test
  void readsEveryVolumeSourceAndWhereItIsMounted() {
    PodDetails pod =
        pod(
            """
            volumes:
              - name: data
                persistentVolumeClaim: {claimName: imagenet, readOnly: true}
              - name: scratch
                emptyDir: {}
              - name: dshm
                emptyDir: {medium: Memory, sizeLimit: 1Gi}
              - name: cache
                hostPath: {path: /var/cache/models, type: Directory}
              - name: creds
                secret:
                  secretName: s3-creds
                  items: [{key: access, path: keys/access}]
                  defaultMode: 0400
              - name: conf
                configMap: {name: train-config, optional: true}
            """,
            """
            workingDir: /workspace
            volumeMounts:
              - {name: data, mountPath: /data, readOnly: true}
              - {name: scratch, mountPath: /scratch}
              - {name: dshm, mountPath: /dev/shm}
              - {name: cache, mountPath: /cache, subPath: v2}
              - {name: creds, mountPath: /etc/creds}
              - {name: conf, mountPath: /etc/train}
            """);

    assertThat(pod.workingDir()).isEqualTo("/workspace");
    assertThat(pod.volumes())
        .containsExactly(
            new PodVolume("data", new PodVolume.Claim("imagenet", true), null, null, null, null),
            new PodVolume("scratch", null, new PodVolume.EmptyDir(false, null), null, null, null),
            new PodVolume("dshm", null, new PodVolume.EmptyDir(true, 1L << 30), null, null, null),
            new PodVolume(
                "cache",
                null,
                null,
                new PodVolume.HostPath("/var/cache/models", "Directory"),
                null,
                null),
            new PodVolume(
                "creds",
                null,
                null,
                null,
                new PodVolume.Keys(
                    "s3-creds",
                    List.of(new PodVolume.KeyPath("access", "keys/access")),
                    false,
                    0400),
                null),
            new PodVolume(
                "conf",
                null,
                null,
                null,
                null,
                new PodVolume.Keys("train-config", List.of(), true, null)));
    assertThat(pod.volumeMounts())
        .containsExactly(
            new VolumeMount("data", "/data", null, true),
            new VolumeMount("scratch", "/scratch", null, false),
            new VolumeMount("dshm", "/dev/shm", null, false),
            new VolumeMount("cache", "/cache", "v2", false),
            new VolumeMount("creds", "/etc/creds", null, false),
            new VolumeMount("conf", "/etc/train", null, false));
    assertThat(pod.labels()).isEqualTo(Map.of("team", "vision"));
    assertThat(pod.annotations()).isEqualTo(Map.of("note", "1"));
  }

  @Test
  void readsValueFromAndEnvFromBesidesThePlainEnv() {
    JobSpec spec =
        parser()
            .parse(
                job(
                    "",
                    """
                    env:
                      - {name: PLAIN, value: "1"}
                      - name: POD
                        valueFrom: {fieldRef: {fieldPath: metadata.name}}
                      - name: INDEX
                        valueFrom:
                          fieldRef:
                            fieldPath: metadata.labels['training.kubeflow.org/replica-index']
                      - name: TOKEN
                        valueFrom: {secretKeyRef: {name: hub, key: token}}
                      - name: LR
                        valueFrom: {configMapKeyRef: {name: hparams, key: lr, optional: true}}
                      - name: CPUS
                        valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: 1m}}
                      - {name: POD, value: overridden}
                    envFrom:
                      - configMapRef: {name: common}
                      - {prefix: HUB_, secretRef: {name: hub}}
                    """));

    PodDetails pod = spec.replicaGroups().get(0).pod();
    assertThat(spec.replicaGroups().get(0).env())
        .as("a later plain entry wins over an earlier valueFrom, as in Kubernetes")
        .isEqualTo(Map.of("PLAIN", "1", "POD", "overridden"));
    assertThat(pod.valueFrom())
        .containsExactly(
            Map.entry(
                "INDEX",
                new EnvValueFrom(
                    "metadata.labels['training.kubeflow.org/replica-index']", null, null, null)),
            Map.entry(
                "TOKEN",
                new EnvValueFrom(null, null, new EnvValueFrom.KeyRef("hub", "token", false), null)),
            Map.entry(
                "LR",
                new EnvValueFrom(null, null, null, new EnvValueFrom.KeyRef("hparams", "lr", true))),
            Map.entry(
                "CPUS",
                new EnvValueFrom(
                    null, new EnvValueFrom.ResourceRef("limits.cpu", "1m"), null, null)));
    assertThat(pod.envFrom())
        .containsExactly(
            new EnvFromSource("", false, "common", false),
            new EnvFromSource("HUB_", true, "hub", false));
  }

  @Test
  void refusesAVolumeSourceCapstanCannotProvide() {
    assertInvalid(
        job("volumes:\n  - name: shared\n    nfs: {server: nas, path: /x}\n", ""),
        CONTAINER + ".volumes[0].nfs",
        "Expected volume 'shared' ("
            + CONTAINER
            + ".volumes[0]) to have one source of [persistentVolumeClaim, emptyDir, hostPath,"
            + " secret, configMap] (what Capstan provides on one machine), but found nfs");
  }

  @Test
  void refusesAMountOfNoVolumeAndBadPaths() {
    String mounts = CONTAINER + ".containers[0].volumeMounts[0]";
    assertInvalid(
        job(
            "volumes:\n  - {name: a, emptyDir: {}}\n",
            "volumeMounts:\n  - {name: b, mountPath: /b}\n"),
        mounts + ".name",
        "Expected " + mounts + ".name to name a volume of the pod [a], but was 'b'");
    assertInvalid(
        job(
            "volumes:\n  - {name: a, emptyDir: {}}\n",
            "volumeMounts:\n  - {name: a, mountPath: data}\n"),
        mounts + ".mountPath",
        "Expected "
            + mounts
            + ".mountPath to be an absolute, normalized path other than '/', but was 'data'");
    assertInvalid(
        job(
            "volumes:\n  - {name: a, emptyDir: {}}\n",
            "volumeMounts:\n  - {name: a, mountPath: /a, subPath: ../../etc}\n"),
        mounts + ".subPath",
        "Expected "
            + mounts
            + ".subPath to be a relative path without '..' (inside the volume), but was"
            + " '../../etc'");
    assertInvalid(
        job("", "workingDir: /work/../etc\n"),
        CONTAINER + ".containers[0].workingDir",
        "Expected "
            + CONTAINER
            + ".containers[0].workingDir to be an absolute, normalized path other than '/', but"
            + " was '/work/../etc'");
  }

  @Test
  void refusesRepeatedNamesAndPaths() {
    assertInvalid(
        job("volumes:\n  - {name: a, emptyDir: {}}\n  - {name: a, emptyDir: {}}\n", ""),
        CONTAINER + ".volumes[1].name",
        "Expected volume names to be unique, but 'a' repeats at " + CONTAINER + ".volumes[1].name");
    assertInvalid(
        job(
            "volumes:\n  - {name: a, emptyDir: {}}\n",
            "volumeMounts:\n  - {name: a, mountPath: /a}\n  - {name: a, mountPath: /a}\n"),
        CONTAINER + ".containers[0].volumeMounts[1].mountPath",
        "Expected one volume mount per path, but '/a' is mounted again at "
            + CONTAINER
            + ".containers[0].volumeMounts[1].mountPath");
  }

  @Test
  void aCapstanTrainingJobGroupHasTheSameFields() {
    JobSpec spec =
        parser()
            .parse(
                TestingSpecs.trainingJob(
                    "  replicas:",
                    "    - role: worker",
                    "      command: [python3, train.py]",
                    "      volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]",
                    "      volumeMounts: [{name: data, mountPath: /data}]"));

    PodDetails pod = spec.replicaGroups().get(0).pod();
    assertThat(pod.volumeMounts()).containsExactly(new VolumeMount("data", "/data", null, false));
  }
}
