package io.capstan.server.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.runtime.FileSpec;
import io.capstan.runtime.Mount;
import io.capstan.runtime.MountSource;
import io.capstan.runtime.ReplicaLaunch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pod template's volumes and environment from elsewhere become the launch's mounts, files and
 * variables; what could never be provided is refused at submission, naming the field, and nothing
 * is stored.
 */
class PodTemplateLaunchTest {
  private static final String POD = "spec.pytorchReplicaSpecs.Worker.template.spec";

  @TempDir Path dataDir;
  @TempDir Path hostData;
  private JobControllerHarness h;

  /** The secrets and config maps of project vision. */
  private final ProjectValues values =
      new ProjectValues() {
        @Override
        public Optional<Map<String, byte[]>> secret(String project, String name) {
          return project.equals("vision") && name.equals("hub")
              ? Optional.of(Map.of("token", "s3cr3t".getBytes(StandardCharsets.UTF_8)))
              : Optional.empty();
        }

        @Override
        public Optional<Map<String, String>> configMap(String project, String name) {
          return project.equals("vision") && name.equals("hparams")
              ? Optional.of(Map.of("lr", "0.1", "config.yaml", "epochs: 2\n", "bad key", "x"))
              : Optional.empty();
        }
      };

  @BeforeEach
  void setUp() {
    h =
        new JobControllerHarness(dataDir)
            .podSources(new JobVolumesConfig(List.of(hostData.toString())), values);
  }

  private static String job(String podLines, String containerLines) {
    return """
        apiVersion: kubeflow.org/v1
        kind: PyTorchJob
        metadata: {name: train}
        spec:
          pytorchReplicaSpecs:
            Worker:
              replicas: 2
              template:
                metadata:
                  labels: {team: vision}
                spec:
        %s
                  containers:
                    - name: pytorch
                      image: host
                      command: [python3, train.py]
                      resources: {limits: {cpu: "2", memory: 1Gi}}
        %s
        """
        .formatted(podLines.indent(10).stripTrailing(), containerLines.indent(14).stripTrailing());
  }

  private ReplicaLaunch launchOf(String replica) {
    h.pass();
    return h.runtime.launchesOf(h.uid("train")).stream()
        .filter(launch -> launch.id().replica().equals(replica))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void volumesBecomeMountsOfTheirKind() throws Exception {
    Files.createDirectories(hostData.resolve("imagenet"));
    h.jobs()
        .submit(
            "vision",
            job(
                """
                volumes:
                  - {name: data, persistentVolumeClaim: {claimName: datasets}}
                  - {name: scratch, emptyDir: {}}
                  - {name: dshm, emptyDir: {medium: Memory, sizeLimit: 2Gi}}
                  - {name: host, hostPath: {path: %s, type: Directory}}
                  - name: creds
                    secret: {secretName: hub, defaultMode: 0400}
                  - name: conf
                    configMap: {name: hparams, items: [{key: lr, path: hp/lr}]}
                  - {name: whole, configMap: {name: hparams}}
                """
                    .formatted(hostData),
                """
                volumeMounts:
                  - {name: data, mountPath: /data, subPath: v2, readOnly: true}
                  - {name: scratch, mountPath: /scratch}
                  - {name: dshm, mountPath: /dev/shm}
                  - {name: host, mountPath: /imagenet, subPath: imagenet}
                  - {name: creds, mountPath: /etc/creds}
                  - {name: conf, mountPath: /etc/conf}
                  - {name: whole, mountPath: /etc/train/config.yaml, subPath: config.yaml}
                """));

    ReplicaLaunch launch = launchOf("worker-1");

    assertThat(launch.mounts())
        .contains(
            new Mount(new MountSource.ProjectVolume("datasets", "v2"), "/data", true),
            new Mount(new MountSource.Scratch("scratch", null), "/scratch", false),
            new Mount(new MountSource.Memory(2L << 30), "/dev/shm", false),
            new Mount(
                new MountSource.NodePath(hostData + "/imagenet", "Directory"), "/imagenet", false),
            new Mount(
                new MountSource.Files(
                    Map.of("token", "s3cr3t".getBytes(StandardCharsets.UTF_8)), 0400),
                "/etc/creds",
                true),
            new Mount(
                new MountSource.Files(
                    Map.of("hp/lr", "0.1".getBytes(StandardCharsets.UTF_8)), 0644),
                "/etc/conf",
                true));
    assertThat(launch.files())
        .containsExactly(new FileSpec("/etc/train/config.yaml", "epochs: 2\n"));
    assertThat(launch.mounts().toString()).doesNotContain("s3cr3t");
  }

  @Test
  void valueFromAndEnvFromFillTheEnvironment() {
    h.jobs()
        .submit(
            "vision",
            job(
                "",
                """
                envFrom:
                  - {configMapRef: {name: hparams}, prefix: HP_}
                env:
                  - {name: HP_lr, value: "0.5"}
                  - name: POD
                    valueFrom: {fieldRef: {fieldPath: metadata.name}}
                  - name: NS
                    valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
                  - name: INDEX
                    valueFrom:
                      fieldRef:
                        fieldPath: metadata.labels['training.kubeflow.org/replica-index']
                  - name: TEAM
                    valueFrom: {fieldRef: {fieldPath: "metadata.labels['team']"}}
                  - name: TOKEN
                    valueFrom: {secretKeyRef: {name: hub, key: token}}
                  - name: MISSING
                    valueFrom: {secretKeyRef: {name: nothing, key: x, optional: true}}
                  - name: CPUS
                    valueFrom: {resourceFieldRef: {resource: limits.cpu}}
                  - name: MEM_MI
                    valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}
                """));

    Map<String, String> env = launchOf("worker-1").env();

    assertThat(env)
        .containsEntry("HP_lr", "0.5")
        .containsEntry("HP_config.yaml", "epochs: 2\n")
        .doesNotContainKey("HP_bad key")
        .containsEntry("POD", "train-worker-1")
        .containsEntry("NS", "vision")
        .containsEntry("INDEX", "1")
        .containsEntry("TEAM", "vision")
        .containsEntry("TOKEN", "s3cr3t")
        .doesNotContainKey("MISSING")
        .containsEntry("CPUS", "2")
        .containsEntry("MEM_MI", "1024");
  }

  @Test
  void aHostPathTheOperatorDidNotAllowIsRefusedNamingTheField() {
    assertRefused(
        job(
            "volumes:\n  - {name: etc, hostPath: {path: /etc}}\n",
            "volumeMounts:\n  - {name: etc, mountPath: /host-etc}\n"),
        POD + ".volumes[0].hostPath.path",
        "Expected "
            + POD
            + ".volumes[0].hostPath.path to be under a host path the operator allows ["
            + hostData
            + "] (capstan.job-volumes.allowed-host-paths), but was '/etc'");
  }

  @Test
  void aMissingSecretOrKeyIsRefusedAndAnotherProjectsIsMissing() {
    String secretVolume =
        job(
            "volumes:\n  - {name: creds, secret: {secretName: hub}}\n",
            "volumeMounts:\n  - {name: creds, mountPath: /etc/creds}\n");
    h.jobs().submit("vision", secretVolume);
    assertThatThrownBy(() -> h.jobs().submit("ml", secretVolume))
        .isInstanceOfSatisfying(
            CapstanException.class,
            e -> {
              assertThat(e.field()).isEqualTo(POD + ".volumes[0].secret.secretName");
              assertThat(e.getMessage())
                  .startsWith("Expected secret 'hub' in project 'ml'")
                  .doesNotContain("s3cr3t");
            });
    assertRefused(
        job(
            "",
            "env:\n  - name: LR\n    valueFrom: {configMapKeyRef: {name: hparams, key: lr2}}\n"),
        POD + ".containers[pytorch].env[LR].valueFrom.configMapKeyRef.key",
        "Expected config map 'hparams' to have key 'lr2', but its keys are [bad key,"
            + " config.yaml, lr]");
  }

  private void assertRefused(String spec, String field, String message) {
    int stored = h.jobs().list("vision").size();
    assertThatThrownBy(() -> h.jobs().submit("vision", spec))
        .isInstanceOfSatisfying(
            CapstanException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SPEC);
              assertThat(e.field()).isEqualTo(field);
              assertThat(e.getMessage()).isEqualTo(message);
            });
    assertThat(h.jobs().list("vision")).as("nothing stored").hasSize(stored);
  }
}
