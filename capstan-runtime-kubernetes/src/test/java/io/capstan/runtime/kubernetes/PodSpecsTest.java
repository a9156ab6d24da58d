package io.capstan.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.job.Resources;
import io.capstan.runtime.Mount;
import io.capstan.runtime.MountSource;
import io.capstan.runtime.ReadinessSpec;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PodSpecsTest {
  private static final long GIB = 1024L * 1024 * 1024;

  private final PodSpecs specs = new PodSpecs(KubernetesSettings.defaults());

  /** Worker 1 of a PyTorchJob, with every mount kind a pod can have, two ports and a probe. */
  static ReplicaLaunch pytorchWorker() {
    Map<String, byte[]> secretFiles = new LinkedHashMap<>();
    secretFiles.put("token", "s3cr3t".getBytes(StandardCharsets.UTF_8));
    secretFiles.put("tls/ca.crt", "CERT".getBytes(StandardCharsets.UTF_8));
    return ReplicaLaunch.builder(new ReplicaId("mnist-1a2b3c4d", "worker-1"))
        .attempt(2)
        .image("pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime")
        .command("torchrun")
        .args(List.of("--nproc-per-node=2", "train.py", "--port", "$(CAPSTAN_PORT_HTTP)"))
        .workingDir("/workspace")
        .env("MASTER_ADDR", "mnist-1a2b3c4d-master-0.mnist-1a2b3c4d.capstan-vision.svc")
        .env("MASTER_PORT", "23456")
        .env("WORLD_SIZE", "3")
        .env("RANK", "2")
        .env("CAPSTAN_JOB_NAME", "mnist")
        .env("A_LOG_DIR", "$(CAPSTAN_OUTPUT_DIR)/logs")
        .env("CAPSTAN_OUTPUT_DIR", "/capstan/output")
        .resources(new Resources(4000, 16 * GIB, 2))
        .gpuIndices(List.of(0, 1))
        .tenant("vision")
        .mount(Mount.volume("checkpoints", "/capstan/checkpoints"))
        .mount(Mount.volume("output", "/capstan/output"))
        .mount(new Mount(new MountSource.ProjectVolume("datasets", "imagenet"), "/data", true))
        .mount(new Mount(new MountSource.Scratch("cache", "torch"), "/root/.cache", false))
        .mount(new Mount(new MountSource.Memory(GIB), "/dev/shm", false))
        .mount(new Mount(new MountSource.NodePath("/mnt/models", "Directory"), "/models", true))
        .mount(new Mount(new MountSource.Files(secretFiles, 0400), "/etc/hub", true))
        .file("/etc/mpi/hostfile", "worker-0 slots=2\nworker-1 slots=2\n")
        .port("http", 8080)
        .port("c10d", 29400)
        .readiness(
            ReadinessSpec.httpGet("http", "/healthz")
                .withHeader("Authorization", "Bearer abc")
                .withPeriod(Duration.ofMillis(2500)))
        .build();
  }

  @Test
  void podIsNamedAndLabelledAsTheTrainingOperatorDoesInTheProjectsNamespace() {
    Pod pod = specs.objects(pytorchWorker()).pod();

    assertThat(pod.getMetadata().getName()).isEqualTo("mnist-1a2b3c4d-worker-1");
    assertThat(pod.getMetadata().getNamespace()).isEqualTo("capstan-vision");
    assertThat(pod.getMetadata().getLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "training.kubeflow.org/job-name", "mnist",
                "training.kubeflow.org/replica-type", "worker",
                "training.kubeflow.org/replica-index", "1",
                "capstan.io/job-uid", "mnist-1a2b3c4d",
                "capstan.io/replica", "worker-1",
                "capstan.io/attempt", "2"));
    assertThat(pod.getSpec().getHostname()).isEqualTo("mnist-1a2b3c4d-worker-1");
    assertThat(pod.getSpec().getSubdomain()).isEqualTo("mnist-1a2b3c4d");
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSpec().getContainers()).hasSize(1);
  }

  @Test
  void containerRunsTheCommandArgsAndWorkingDirectoryAsWrittenWithPortsAndProbe() {
    Container container = specs.objects(pytorchWorker()).pod().getSpec().getContainers().get(0);

    assertThat(container.getName()).isEqualTo("replica");
    assertThat(container.getImage()).isEqualTo("pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime");
    assertThat(container.getCommand()).containsExactly("torchrun");
    // $(VAR) is Kubernetes' to expand, from the env below.
    assertThat(container.getArgs())
        .containsExactly("--nproc-per-node=2", "train.py", "--port", "$(CAPSTAN_PORT_HTTP)");
    assertThat(container.getWorkingDir()).isEqualTo("/workspace");
    assertThat(container.getPorts())
        .extracting(p -> p.getName() + ":" + p.getContainerPort() + "/" + p.getProtocol())
        .containsExactly("http:8080/TCP", "c10d:29400/TCP");
    Probe probe = container.getReadinessProbe();
    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
    assertThat(probe.getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(probe.getHttpGet().getHttpHeaders())
        .extracting(h -> h.getName() + "=" + h.getValue())
        .containsExactly("Authorization=Bearer abc");
    assertThat(probe.getPeriodSeconds()).isEqualTo(3);
    assertThat(probe.getTimeoutSeconds()).isEqualTo(1);
  }

  @Test
  void environmentHasThePortsFirstAndEveryReferenceAfterWhatItNames() {
    List<EnvVar> env =
        specs.objects(pytorchWorker()).pod().getSpec().getContainers().get(0).getEnv();

    assertThat(env)
        .extracting(v -> v.getName() + "=" + v.getValue())
        .containsExactly(
            "CAPSTAN_PORT_HTTP=8080",
            "CAPSTAN_PORT_C10D=29400",
            // It mounts job volumes, so it gets metric files (decision 129).
            "CAPSTAN_METRICS_FILE=/capstan/metrics/capstan-metrics.jsonl",
            "CAPSTAN_TENSORBOARD_DIR=/capstan/metrics/tensorboard",
            // A_LOG_DIR sorts first but refers to CAPSTAN_OUTPUT_DIR, which must come before it.
            "CAPSTAN_OUTPUT_DIR=/capstan/output",
            "A_LOG_DIR=$(CAPSTAN_OUTPUT_DIR)/logs",
            "CAPSTAN_JOB_NAME=mnist",
            "MASTER_ADDR=mnist-1a2b3c4d-master-0.mnist-1a2b3c4d.capstan-vision.svc",
            "MASTER_PORT=23456",
            "RANK=2",
            "WORLD_SIZE=3");
    assertThat(env).allSatisfy(v -> assertThat(v.getValueFrom()).isNull());
  }

  @Test
  void cpuAndMemoryAreRequestedAtTheirLimitsAndGpusAsTheExtendedResource() {
    var resources =
        specs.objects(pytorchWorker()).pod().getSpec().getContainers().get(0).getResources();

    assertThat(resources.getRequests())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("cpu", new Quantity("4000m"), "memory", new Quantity("17179869184")));
    assertThat(resources.getLimits())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "cpu",
                new Quantity("4000m"),
                "memory",
                new Quantity("17179869184"),
                "nvidia.com/gpu",
                new Quantity("2")));
    assertThat(Quantity.getAmountInBytes(resources.getLimits().get("memory")).longValue())
        .isEqualTo(16 * GIB);
  }

  @Test
  void aReplicaWithoutGpusOrCpuAsksForNeither() {
    ReplicaLaunch launch = pytorchWorker().toBuilder().resources(new Resources(0, GIB, 0)).build();

    var resources = specs.objects(launch).pod().getSpec().getContainers().get(0).getResources();

    assertThat(resources.getRequests()).containsOnlyKeys("memory");
    assertThat(resources.getLimits()).containsOnlyKeys("memory");
  }

  @Test
  void anEmptyCommandLeavesTheImagesEntrypoint() {
    ReplicaLaunch launch = pytorchWorker().toBuilder().command(List.of()).build();

    Container container = specs.objects(launch).pod().getSpec().getContainers().get(0);

    assertThat(container.getCommand()).isEmpty();
    assertThat(container.getArgs()).startsWith("--nproc-per-node=2");
  }

  @Test
  void everyMountKindBecomesItsPodVolume() {
    Pod pod = specs.objects(pytorchWorker()).pod();
    Map<String, Volume> volumes = byName(pod.getSpec().getVolumes(), Volume::getName);

    assertThat(volumes)
        .containsOnlyKeys(
            "capstan-metrics",
            "capstan-python-lib",
            "job-checkpoints",
            "job-output",
            "claim-datasets",
            "cache",
            "memory-4",
            "node-5",
            "files-6",
            "capstan-files");
    assertThat(volumes.get("job-checkpoints").getPersistentVolumeClaim().getClaimName())
        .isEqualTo("mnist-1a2b3c4d-checkpoints");
    assertThat(volumes.get("job-output").getPersistentVolumeClaim().getClaimName())
        .isEqualTo("mnist-1a2b3c4d-output");
    assertThat(volumes.get("claim-datasets").getPersistentVolumeClaim().getClaimName())
        .isEqualTo("datasets");
    assertThat(volumes.get("cache").getEmptyDir().getMedium()).isNull();
    assertThat(volumes.get("memory-4").getEmptyDir().getMedium()).isEqualTo("Memory");
    assertThat(volumes.get("memory-4").getEmptyDir().getSizeLimit())
        .isEqualTo(new Quantity(Long.toString(GIB)));
    assertThat(volumes.get("node-5").getHostPath().getPath()).isEqualTo("/mnt/models");
    assertThat(volumes.get("node-5").getHostPath().getType()).isEqualTo("Directory");
    var secret = volumes.get("files-6").getSecret();
    assertThat(secret.getSecretName()).isEqualTo("mnist-1a2b3c4d-worker-1-files-6");
    assertThat(secret.getDefaultMode()).isEqualTo(0400);
    assertThat(secret.getItems())
        .extracting(KeyToPath::getKey, KeyToPath::getPath)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("file-0", "tls/ca.crt"),
            org.assertj.core.groups.Tuple.tuple("file-1", "token"));
    assertThat(volumes.get("capstan-files").getConfigMap().getName())
        .isEqualTo("mnist-1a2b3c4d-worker-1-files");
  }

  @Test
  void mountsKeepTheirPathsReadOnlyFlagsAndSubPaths() {
    List<VolumeMount> mounts =
        specs.objects(pytorchWorker()).pod().getSpec().getContainers().get(0).getVolumeMounts();

    assertThat(mounts)
        .extracting(
            m ->
                m.getName()
                    + " "
                    + m.getMountPath()
                    + " ro="
                    + m.getReadOnly()
                    + " "
                    + m.getSubPath())
        .containsExactly(
            "capstan-metrics /capstan/metrics ro=false worker-1",
            "capstan-metrics /capstan/metrics/tensorboard ro=false worker-1/tensorboard",
            "capstan-python-lib /capstan/python-lib ro=true null",
            "job-checkpoints /capstan/checkpoints ro=false null",
            "job-output /capstan/output ro=false null",
            "claim-datasets /data ro=true imagenet",
            "cache /root/.cache ro=false torch",
            "memory-4 /dev/shm ro=false null",
            "node-5 /models ro=true null",
            "files-6 /etc/hub ro=true null",
            "capstan-files /etc/mpi/hostfile ro=true file-0");
  }

  @Test
  void filesSecretsAndClaimsAreMadeInTheNamespaceWithTheReplicasLabels() {
    ReplicaObjects objects = specs.objects(pytorchWorker());

    assertThat(objects.secrets()).hasSize(1);
    Secret secret = objects.secrets().get(0);
    assertThat(secret.getMetadata().getName()).isEqualTo("mnist-1a2b3c4d-worker-1-files-6");
    assertThat(secret.getMetadata().getNamespace()).isEqualTo("capstan-vision");
    assertThat(secret.getMetadata().getLabels())
        .containsEntry("capstan.io/job-uid", "mnist-1a2b3c4d");
    assertThat(secret.getType()).isEqualTo("Opaque");
    assertThat(decoded(secret.getData()))
        .containsExactlyInAnyOrderEntriesOf(Map.of("file-0", "CERT", "file-1", "s3cr3t"));

    ConfigMap files = objects.files().orElseThrow();
    assertThat(files.getMetadata().getName()).isEqualTo("mnist-1a2b3c4d-worker-1-files");
    assertThat(files.getData())
        .containsExactlyEntriesOf(Map.of("file-0", "worker-0 slots=2\nworker-1 slots=2\n"));

    assertThat(objects.claims())
        .extracting(c -> c.getMetadata().getName())
        .containsExactly(
            "mnist-1a2b3c4d-capstan-metrics",
            "mnist-1a2b3c4d-checkpoints",
            "mnist-1a2b3c4d-output");
    assertThat(objects.claims().get(0).getSpec().getResources().getRequests())
        .as("the metrics claim asks for little (decision 129)")
        .containsExactlyEntriesOf(Map.of("storage", new Quantity("1Gi")));
    PersistentVolumeClaim claim = objects.claims().get(1);
    assertThat(claim.getMetadata().getNamespace()).isEqualTo("capstan-vision");
    // A claim is the job's, not one replica's or attempt's.
    assertThat(claim.getMetadata().getLabels())
        .containsEntry("capstan.io/job-uid", "mnist-1a2b3c4d")
        .containsEntry("capstan.io/volume", "checkpoints")
        .doesNotContainKeys("capstan.io/replica", "capstan.io/attempt");
    assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
    assertThat(claim.getSpec().getStorageClassName()).isNull();
    assertThat(claim.getSpec().getResources().getRequests())
        .containsExactlyEntriesOf(Map.of("storage", new Quantity("10Gi")));
  }

  @Test
  void settingsChooseTheNamespacePrefixStorageClassAndGpuResource() {
    PodSpecs custom =
        new PodSpecs(new KubernetesSettings("team-", "500Gi", "cephfs", "amd.com/gpu"));

    ReplicaObjects objects = custom.objects(pytorchWorker());

    assertThat(objects.pod().getMetadata().getNamespace()).isEqualTo("team-vision");
    assertThat(objects.claims())
        .allSatisfy(c -> assertThat(c.getSpec().getStorageClassName()).isEqualTo("cephfs"));
    assertThat(objects.claims().get(1).getSpec().getResources().getRequests().get("storage"))
        .as("checkpoints")
        .isEqualTo(new Quantity("500Gi"));
    assertThat(objects.pod().getSpec().getContainers().get(0).getResources().getLimits())
        .containsEntry("amd.com/gpu", new Quantity("2"))
        .doesNotContainKey("nvidia.com/gpu");
  }

  @Test
  void mountsOfTheSameVolumeShareOnePodVolume() {
    ReplicaLaunch launch =
        pytorchWorker().toBuilder()
            .mounts(
                List.of(
                    Mount.volume("output", "/capstan/output"),
                    Mount.volume("output", "/also/output"),
                    new Mount(new MountSource.ProjectVolume("datasets", "a"), "/a", true),
                    new Mount(new MountSource.ProjectVolume("datasets", "b"), "/b", true)))
            .build();

    ReplicaObjects objects = specs.objects(launch);

    assertThat(objects.pod().getSpec().getVolumes())
        .extracting(Volume::getName)
        .containsExactly(
            "capstan-metrics",
            "capstan-python-lib",
            "job-output",
            "claim-datasets",
            "capstan-files");
    assertThat(objects.claims()).extracting(c -> c.getMetadata().getName()).hasSize(2);
    assertThat(objects.pod().getSpec().getContainers().get(0).getVolumeMounts()).hasSize(8);
  }

  @Test
  void aHostPathIsRefusedNamingTheMount() {
    ReplicaLaunch launch =
        pytorchWorker().toBuilder()
            .mount(Mount.readOnly(Path.of("/opt/code"), "/workspace/code"))
            .build();

    assertThatThrownBy(() -> specs.objects(launch))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'/workspace/code'")
        .hasMessageContaining("mnist-1a2b3c4d.worker-1")
        .hasMessageContaining("host path /opt/code")
        .hasMessageContaining("only a one-machine runtime has");
  }

  @Test
  void aScratchVolumeNamedLikeOneOfTheRuntimesIsRefused() {
    ReplicaLaunch launch =
        pytorchWorker().toBuilder()
            .mount(new Mount(new MountSource.Scratch("capstan-files", null), "/scratch", false))
            .build();

    assertThatThrownBy(() -> specs.objects(launch))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("are both called 'capstan-files'");
  }

  @Test
  void aScratchVolumeNamedLikeAJobVolumesPodVolumeIsRefusedNotShared() {
    ReplicaLaunch launch =
        pytorchWorker().toBuilder()
            .mounts(
                List.of(
                    new Mount(new MountSource.Scratch("job-output", null), "/scratch", false),
                    Mount.volume("output", "/capstan/output")))
            .build();

    assertThatThrownBy(() -> specs.objects(launch))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "job volume output and scratch job-output are both called 'job-output'");
  }

  @Test
  void aCycleOfReferencesListsEveryVariableOnceStartingFromTheFirstByName() {
    ReplicaLaunch launch =
        pytorchWorker().toBuilder()
            .ports(List.of())
            .readiness(null)
            .env(Map.of("B", "$(A)", "A", "$(B)", "C", "$$(A) $(B)"))
            .build();

    List<EnvVar> env = specs.objects(launch).pod().getSpec().getContainers().get(0).getEnv();

    assertThat(env)
        .extracting(v -> v.getName() + "=" + v.getValue())
        .containsSubsequence("B=$(A)", "A=$(B)", "C=$$(A) $(B)")
        .filteredOn(v -> !v.startsWith("CAPSTAN_"))
        .hasSize(3);
  }

  @Test
  void replicaNamesWithoutAnIndexAreIndexZeroAndTheJobNameFallsBackToTheUid() {
    ReplicaLaunch launch =
        ReplicaLaunch.builder(new ReplicaId("serve-9f", "launcher"))
            .image("busybox")
            .resources(Resources.NONE)
            .tenant("vision")
            .build();

    Map<String, String> labels = specs.objects(launch).pod().getMetadata().getLabels();

    assertThat(labels)
        .containsEntry("training.kubeflow.org/job-name", "serve-9f")
        .containsEntry("training.kubeflow.org/replica-type", "launcher")
        .containsEntry("training.kubeflow.org/replica-index", "0");
  }

  @Test
  void theServiceIsHeadlessSelectsTheJobsPodsAndNamesThemInDns() {
    ServiceSpecs services = new ServiceSpecs(specs.names());

    Service service = services.service("vision", "mnist-1a2b3c4d");

    assertThat(service.getMetadata().getName()).isEqualTo("mnist-1a2b3c4d");
    assertThat(service.getMetadata().getNamespace()).isEqualTo("capstan-vision");
    assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(service.getSpec().getSelector())
        .containsExactlyEntriesOf(Map.of("capstan.io/job-uid", "mnist-1a2b3c4d"));
    assertThat(service.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(services.podHost("vision", new ReplicaId("mnist-1a2b3c4d", "master-0")))
        .isEqualTo("mnist-1a2b3c4d-master-0.mnist-1a2b3c4d.capstan-vision.svc");
    Pod pod = specs.objects(pytorchWorker()).pod();
    assertThat(pod.getSpec().getSubdomain()).isEqualTo(service.getMetadata().getName());
    assertThat(pod.getMetadata().getLabels()).containsAllEntriesOf(service.getSpec().getSelector());
  }

  private static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
    return items.stream()
        .collect(Collectors.toMap(name, Function.identity(), (a, b) -> a, LinkedHashMap::new));
  }

  private static Map<String, String> decoded(Map<String, String> data) {
    Map<String, String> text = new LinkedHashMap<>();
    data.forEach(
        (key, value) ->
            text.put(key, new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8)));
    return text;
  }
}
