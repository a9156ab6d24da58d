package io.capstan.runtime.kubernetes;

import io.capstan.runtime.EnvExpansion;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.mockwebserver.http.MockResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays kube-scheduler and the kubelets of a {@link TestingCluster}, one pod change at a time on a
 * thread of its own. A pod without a node is bound to the node its required node affinity names
 * (else the first Ready node with room), unless it has scheduling gates or no such node has room:
 * then it stays Pending, {@code Unschedulable}. A bound pod gets a finalizer (so its deletion waits
 * for its container to stop, as with a real kubelet), runs its command as an in-memory program
 * ({@code [in-memory, print, hello, exit, 3]}, see {@code InMemoryProgram}): Running with a pod IP,
 * then Succeeded or Failed with the exit code. A deleted pod's container ends with 143. Logs are
 * served per pod with timestamps and {@code sinceTime}. A node marked NotReady makes its pods'
 * phase {@code Unknown}. Init containers that run {@code storage-initializer} download their lists'
 * URLs first ({@link TestingStorageInitializer}); one that fails fails the pod.
 *
 * <p>A claim's contents are a local folder, {@code <claims>/<namespace>/<claim>}: programs write
 * there through a writable mount and read from it, and an exec into a running pod ({@code
 * pods/exec}, the volume readers' {@code find} and {@code cat}) runs its command as a local process
 * with every argument under a claim's mount path turned into the claim's folder, its output sent
 * over the exec WebSocket as the API server sends it (channel 1 stdout, 2 stderr, 3 the status with
 * the exit code).
 */
final class TestingKubelet implements AutoCloseable {
  static final String FINALIZER = "testing.capstan.io/kubelet";

  /** One line a container wrote. */
  private record Line(Instant time, String text) {}

  private final KubernetesClient client;
  private final Map<String, String> bindings = new ConcurrentHashMap<>();
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "testing-kubelet");
            thread.setDaemon(true);
            return thread;
          });
  private final SharedIndexInformer<Pod> pods;
  private final Map<String, List<Line>> logs = new ConcurrentHashMap<>();
  private final Map<String, Integer> exits = new ConcurrentHashMap<>();
  private final Set<String> held = ConcurrentHashMap.newKeySet();

  /** The uid of the pod of each name whose container was started, until the pod is deleted. */
  private final Map<String, String> started = new ConcurrentHashMap<>();

  private final AtomicInteger addresses = new AtomicInteger();
  private final TestingClaims claims;
  private final ExecutorService execs =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "testing-kubelet-exec");
            thread.setDaemon(true);
            return thread;
          });
  private final TestingStorageInitializer initializers;

  TestingKubelet(KubernetesClient client, Path claims) {
    this.client = client;
    this.claims = new TestingClaims(claims);
    this.initializers = new TestingStorageInitializer(client);
    this.pods = client.pods().inAnyNamespace().inform(new Handler(), 0);
  }

  /** The local folder that holds the contents of {@code claim}. */
  Path claimFolder(String namespace, String claim) {
    return claims.folder(namespace, claim);
  }

  /**
   * The answer to {@code pods/exec} of a pod: a WebSocket upgrade that runs the command, or empty
   * when the pod does not run. Runs on the API server's thread: reads the informer's cache only.
   */
  Optional<MockResponse> exec(String namespace, String name, String query) {
    Pod pod = pods.getStore().getByKey(namespace + "/" + name);
    if (pod == null) {
      return Optional.empty();
    }
    TestingExec.Call call = TestingExec.call(pod, query);
    List<String> command =
        call.words().stream().map(word -> claims.local(pod, call.container(), word)).toList();
    String key = key(pod);
    return Optional.of(
        new MockResponse()
            .withWebSocketUpgrade(
                new TestingExec(
                    command,
                    () -> {
                      Pod cached = pods.getStore().getByKey(key);
                      return cached != null && "Running".equals(phase(cached));
                    },
                    execs)));
  }

  /** Pods whose command is not a program keep running: the test says when they exit. */
  void exit(String namespace, String pod, int code) {
    exits.put(namespace + "/" + pod, code);
    worker.submit(() -> safely(namespace, pod));
  }

  /** The node stops reporting: its running pods' phase becomes {@code Unknown}. */
  void nodeNotReady(String node) {
    worker.submit(
        () -> {
          client
              .nodes()
              .withName(node)
              .editStatus(
                  n -> {
                    n.getStatus().getConditions().stream()
                        .filter(c -> "Ready".equals(c.getType()))
                        .forEach(c -> c.setStatus("Unknown"));
                    return n;
                  });
          for (Pod pod : pods.getStore().list()) {
            if (node.equals(pod.getSpec().getNodeName())
                && "Running".equals(pod.getStatus().getPhase())) {
              status(pod, s -> s.setPhase("Unknown"));
            }
          }
        });
  }

  /** The log of the pod's container, as the API server gives it, or empty when there is no pod. */
  Optional<String> log(String namespace, String name, String query) {
    // Not from the API: this runs on the API server's own thread, which a request would wait for.
    String uid = started.get(namespace + "/" + name);
    if (uid == null) {
      return Optional.empty();
    }
    Map<String, String> parameters = parameters(query);
    Instant since =
        parameters.containsKey("sinceTime") ? Instant.parse(parameters.get("sinceTime")) : null;
    boolean timestamps = "true".equals(parameters.get("timestamps"));
    StringBuilder text = new StringBuilder();
    for (Line line : logs.getOrDefault(uid, List.of())) {
      if (since == null || !line.time().isBefore(since)) {
        text.append(timestamps ? line.time() + " " : "").append(line.text());
      }
    }
    return Optional.of(text.toString());
  }

  @Override
  public void close() {
    pods.close();
    worker.shutdownNow();
    execs.shutdownNow();
  }

  private void safely(String namespace, String name) {
    try {
      step(namespace, name);
    } catch (RuntimeException e) {
      // A conflict with a change made meanwhile: the change's own event steps the pod again.
      System.err.println("testing kubelet: " + namespace + "/" + name + ": " + e);
    }
  }

  private void step(String namespace, String name) {
    Pod pod = client.pods().inNamespace(namespace).withName(name).get();
    if (pod == null) {
      return;
    }
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      stop(pod);
    } else if (pod.getSpec().getNodeName() == null) {
      schedule(pod);
    } else if ("Pending".equals(phase(pod))) {
      run(pod);
    } else if ("Running".equals(phase(pod)) && exits.containsKey(key(pod))) {
      finish(pod, exits.remove(key(pod)));
    }
  }

  private void schedule(Pod pod) {
    if (pod.getSpec().getSchedulingGates() != null
        && !pod.getSpec().getSchedulingGates().isEmpty()) {
      return;
    }
    Optional<String> pinned = PodPlacement.pinnedNode(pod);
    Optional<String> node =
        client.nodes().list().getItems().stream()
            .filter(n -> pinned.isEmpty() || pinned.get().equals(n.getMetadata().getName()))
            .filter(n -> ready(n) && fits(pod, n))
            .map(n -> n.getMetadata().getName())
            .findFirst();
    if (node.isEmpty()) {
      if (held.add(key(pod))) {
        status(
            pod,
            s -> s.setConditions(List.of(condition("PodScheduled", "False", "Unschedulable"))));
      }
      return;
    }
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .edit(
            p -> {
              p.getSpec().setNodeName(node.get());
              p.getMetadata().getFinalizers().add(FINALIZER);
              return p;
            });
    bindings.put(key(pod), node.get());
  }

  /** Every pod this kubelet bound, {@code namespace/name}, to its node, deleted pods too. */
  Map<String, String> bindings() {
    return Map.copyOf(bindings);
  }

  private void run(Pod pod) {
    claims.provision(pod);
    Container container = pod.getSpec().getContainers().get(0);
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar variable : container.getEnv()) {
      env.put(variable.getName(), EnvExpansion.expand(value(pod, variable), env));
    }
    List<String> command = new ArrayList<>(container.getCommand());
    command.addAll(container.getArgs());
    command = EnvExpansion.expand(command, env);
    Optional<String> failed = initializers.run(pod);
    Program program =
        failed.isPresent()
            ? Program.run(
                List.of("in-memory", "print", failed.get(), "exit", "1"),
                env,
                new PodFiles(pod, container))
            : Program.run(command, env, new PodFiles(pod, container));
    List<Line> lines = new ArrayList<>();
    for (String printed : program.output()) {
      lines.add(new Line(Instant.now(), printed + "\n"));
    }
    logs.put(pod.getMetadata().getUid(), lines);
    started.put(key(pod), pod.getMetadata().getUid());
    boolean ready = ready(container, program);
    String address =
        "10.0." + (addresses.get() / 250) + "." + (addresses.incrementAndGet() % 250 + 1);
    status(
        pod,
        s -> {
          s.setPhase("Running");
          s.setPodIP(address);
          s.setContainerStatuses(
              List.of(
                  containerStatus(container)
                      .withNewState()
                      .withNewRunning()
                      .withStartedAt(Instant.now().toString())
                      .endRunning()
                      .endState()
                      .withReady(ready)
                      .build()));
          s.setConditions(List.of(condition("Ready", ready ? "True" : "False", null)));
        });
    program.exitCode().ifPresent(code -> exits.put(key(pod), code));
  }

  private void finish(Pod pod, int code) {
    Container container = pod.getSpec().getContainers().get(0);
    ContainerStatus running = pod.getStatus().getContainerStatuses().get(0);
    String started =
        running.getState().getRunning() == null
            ? Instant.now().toString()
            : running.getState().getRunning().getStartedAt();
    status(
        pod,
        s -> {
          s.setPhase(code == 0 ? "Succeeded" : "Failed");
          s.setContainerStatuses(
              List.of(
                  containerStatus(container)
                      .withNewState()
                      .withNewTerminated()
                      .withExitCode(code)
                      .withStartedAt(started)
                      .withFinishedAt(Instant.now().toString())
                      .withReason(code == 0 ? "Completed" : "Error")
                      .endTerminated()
                      .endState()
                      .withReady(false)
                      .build()));
          s.setConditions(List.of(condition("Ready", "False", null)));
        });
  }

  /** The container gets SIGTERM and exits with 143; then the pod may go. */
  private void stop(Pod pod) {
    if ("Running".equals(phase(pod))) {
      finish(pod, 143);
    }
    if (pod.getMetadata().getFinalizers().contains(FINALIZER)) {
      client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .edit(
              p -> {
                p.getMetadata().getFinalizers().remove(FINALIZER);
                return p;
              });
    }
  }

  /** A container's files: the launch's ConfigMap and the claims it mounts. */
  private final class PodFiles implements Program.Files {
    private final Pod pod;
    private final Container container;

    PodFiles(Pod pod, Container container) {
      this.pod = pod;
      this.container = container;
    }

    @Override
    public Optional<String> read(String path) {
      Optional<Path> claimed = claims.path(pod, container, path, false);
      if (claimed.isPresent()) {
        try {
          return Optional.of(Files.readString(claimed.get()));
        } catch (IOException e) {
          return Optional.empty();
        }
      }
      return file(pod, path);
    }

    @Override
    public boolean write(String path, String content) {
      Optional<Path> claimed = claims.path(pod, container, path, true);
      if (claimed.isEmpty()) {
        return false;
      }
      try {
        Files.createDirectories(claimed.get().getParent());
        Files.writeString(claimed.get(), content);
        return true;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * A variable's value, from the pod's Secret for a {@code secretKeyRef}, as a kubelet reads it.
   */
  private String value(Pod pod, EnvVar variable) {
    if (variable.getValueFrom() == null || variable.getValueFrom().getSecretKeyRef() == null) {
      return variable.getValue() == null ? "" : variable.getValue();
    }
    var ref = variable.getValueFrom().getSecretKeyRef();
    var secret =
        client
            .secrets()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(ref.getName())
            .get();
    String data = secret == null ? null : secret.getData().get(ref.getKey());
    return data == null
        ? ""
        : new String(java.util.Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
  }

  private Optional<String> file(Pod pod, String path) {
    Container container = pod.getSpec().getContainers().get(0);
    Optional<String> downloaded = initializers.file(pod, path);
    if (downloaded.isPresent()) {
      return downloaded;
    }
    for (VolumeMount mount : container.getVolumeMounts()) {
      if (!mount.getMountPath().equals(path) || mount.getSubPath() == null) {
        continue;
      }
      for (Volume volume : pod.getSpec().getVolumes()) {
        if (volume.getName().equals(mount.getName()) && volume.getConfigMap() != null) {
          var map =
              client
                  .configMaps()
                  .inNamespace(pod.getMetadata().getNamespace())
                  .withName(volume.getConfigMap().getName())
                  .get();
          return map == null
              ? Optional.empty()
              : Optional.ofNullable(map.getData().get(mount.getSubPath()));
        }
      }
    }
    return Optional.empty();
  }

  /** Whether the program serves the container's readiness probe (true without one). */
  private static boolean ready(Container container, Program program) {
    if (container.getReadinessProbe() == null) {
      return true;
    }
    HTTPGetAction get = container.getReadinessProbe().getHttpGet();
    int port =
        container.getPorts().stream()
            .filter(p -> p.getName().equals(get.getPort().getStrVal()))
            .map(ContainerPort::getContainerPort)
            .findFirst()
            .orElse(-1);
    String authorization =
        get.getHttpHeaders().stream()
            .filter(h -> h.getName().equals("Authorization"))
            .map(h -> h.getValue())
            .findFirst()
            .orElse("");
    return program.serves(Integer.toString(port), get.getPath(), authorization);
  }

  private boolean fits(Pod pod, Node node) {
    Quantity allocatable = node.getStatus().getAllocatable().get("nvidia.com/gpu");
    int free = allocatable == null ? 0 : Quantity.getAmountInBytes(allocatable).intValue();
    for (Pod other : pods.getStore().list()) {
      if (node.getMetadata().getName().equals(other.getSpec().getNodeName())
          && !"Succeeded".equals(phase(other))
          && !"Failed".equals(phase(other))) {
        free -= gpus(other);
      }
    }
    return gpus(pod) <= free;
  }

  private static int gpus(Pod pod) {
    var resources = pod.getSpec().getContainers().get(0).getResources();
    Quantity gpus =
        resources == null || resources.getLimits() == null
            ? null
            : resources.getLimits().get("nvidia.com/gpu");
    return gpus == null ? 0 : Quantity.getAmountInBytes(gpus).intValue();
  }

  private static boolean ready(Node node) {
    List<NodeCondition> conditions = node.getStatus().getConditions();
    return conditions.stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private void status(Pod pod, java.util.function.Consumer<PodStatus> change) {
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .editStatus(
            p -> {
              if (p.getStatus() == null) {
                p.setStatus(new PodStatus());
              }
              change.accept(p.getStatus());
              return p;
            });
  }

  private static ContainerStatusBuilder containerStatus(Container container) {
    return new ContainerStatusBuilder()
        .withName(container.getName())
        .withImage(container.getImage())
        .withRestartCount(0);
  }

  private static PodCondition condition(String type, String status, String reason) {
    return new PodConditionBuilder().withType(type).withStatus(status).withReason(reason).build();
  }

  private static String phase(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getPhase() == null
        ? "Pending"
        : pod.getStatus().getPhase();
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  private static Map<String, String> parameters(String query) {
    Map<String, String> parameters = new LinkedHashMap<>();
    for (String pair : query.replaceFirst("^\\?", "").split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        parameters.put(
            pair.substring(0, equals),
            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
      }
    }
    return parameters;
  }

  /** Steps a pod whenever it changes. */
  private final class Handler implements ResourceEventHandler<Pod> {
    @Override
    public void onAdd(Pod pod) {
      submit(pod);
    }

    @Override
    public void onUpdate(Pod oldPod, Pod newPod) {
      submit(newPod);
    }

    @Override
    public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
      held.remove(key(pod));
      started.remove(key(pod), pod.getMetadata().getUid());
    }

    private void submit(Pod pod) {
      worker.submit(() -> safely(pod.getMetadata().getNamespace(), pod.getMetadata().getName()));
    }
  }
}
