package io.capstan.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A cluster for tests: fabric8's mock API server in CRUD mode on a random loopback port, a {@link
 * TestingKubelet} that schedules and runs its pods, serves their logs and their exec (claims are
 * local folders, {@link #claimFolder}), and a record of every request the runtime sent (the
 * kubelet's own are told apart by their user agent).
 */
public final class TestingCluster implements AutoCloseable {
  static final String KUBELET_AGENT = "capstan-testing-kubelet";
  private static final Pattern LOG_PATH =
      Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)/log(\\?.*)?");
  private static final Pattern EXEC_PATH =
      Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)/exec(\\?.*)?");

  /** One request the runtime sent. */
  record Request(String method, String path, String body) {
    /** A list of a collection (not a watch, not one object): what steady state must not send. */
    boolean isList() {
      String bare = path.replaceFirst("\\?.*", "");
      boolean collection =
          bare.matches("/api/v1/(namespaces/[^/]+/)?[a-z]+")
              || bare.matches("/apis/[^/]+/[^/]+/(namespaces/[^/]+/)?[a-z]+");
      return method.equals("GET") && collection && !path.contains("watch=true");
    }
  }

  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final KubernetesMockServer server;
  private final KubernetesClient admin;
  private final TestingKubelet kubelet;
  private final LogsAndCrud dispatcher;
  private final Path claims;

  public TestingCluster() {
    try {
      this.claims = Files.createTempDirectory("capstan-testing-claims");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<
            io.fabric8.mockwebserver.ServerRequest,
            java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>
        responses = new HashMap<>();
    KubernetesMixedDispatcher crud = new KubernetesMixedDispatcher(responses);
    this.dispatcher = new LogsAndCrud(crud);
    this.server =
        new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
    server.init();
    this.admin =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(server.createClient().getConfiguration())
                    .withUserAgent(KUBELET_AGENT)
                    .build())
            .build();
    this.kubelet = new TestingKubelet(admin, claims);
    dispatcher.kubelet = kubelet;
  }

  /** A client as the runtime has one (it closes it). */
  KubernetesClient client() {
    return server.createClient();
  }

  /** The client of the kubelet and of the test: it sees everything, and is not counted. */
  KubernetesClient admin() {
    return admin;
  }

  TestingKubelet kubelet() {
    return kubelet;
  }

  /** Adds a Ready node with 8 CPUs, 64 GiB and {@code gpus} GPUs. */
  public TestingCluster node(String name, int gpus) {
    return node(name, gpus, Map.of());
  }

  /** Adds a Ready GKE spot node with 8 CPUs, 64 GiB and {@code gpus} GPUs. */
  public TestingCluster spotNode(String name, int gpus) {
    return node(name, gpus, Map.of("cloud.google.com/gke-spot", "true"));
  }

  /** Deletes a node, as the cloud does when it takes it back. */
  public void deleteNode(String name) {
    admin.nodes().withName(name).delete();
  }

  /**
   * Installs the cluster-autoscaler's ProvisioningRequest CRD ({@code autoscaling.x-k8s.io/v1}), so
   * that the API server serves the requests and lists them in its discovery.
   */
  public TestingCluster withProvisioningRequests() {
    admin
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(
            new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName("provisioningrequests.autoscaling.x-k8s.io")
                .endMetadata()
                .withNewSpec()
                .withGroup("autoscaling.x-k8s.io")
                .withScope("Namespaced")
                .withNewNames()
                .withKind("ProvisioningRequest")
                .withPlural("provisioningrequests")
                .withSingular("provisioningrequest")
                .withShortNames("provreq")
                .endNames()
                .addNewVersion()
                .withName("v1")
                .withServed(true)
                .withStorage(true)
                .withNewSubresources()
                .withNewStatus()
                .endStatus()
                .endSubresources()
                .endVersion()
                .endSpec()
                .build())
        .create();
    return this;
  }

  /** Adds a Ready node with 8 CPUs, 64 GiB, {@code gpus} GPUs and these labels besides. */
  public TestingCluster node(String name, int gpus, Map<String, String> labels) {
    admin
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels(labels)
                .addToLabels("kubernetes.io/hostname", name)
                .addToLabels("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3")
                .endMetadata()
                .withNewSpec()
                .endSpec()
                .withNewStatus()
                .addToAllocatable("cpu", new Quantity("8"))
                .addToAllocatable("memory", new Quantity("64Gi"))
                .addToAllocatable("nvidia.com/gpu", new Quantity(Integer.toString(gpus)))
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build())
        .create();
    return this;
  }

  /** The API server's URL, for a kubeconfig of a control plane in another process. */
  public String masterUrl() {
    return admin.getConfiguration().getMasterUrl();
  }

  /**
   * A kubeconfig file's text that points at this cluster with a token (the mock API server takes
   * any), for a control plane in another process ({@code capstan.runtime.kubernetes.kubeconfig}).
   */
  public String kubeconfig() {
    return """
        apiVersion: v1
        kind: Config
        clusters:
          - name: testing
            cluster: {server: "%s"}
        users:
          - name: capstan
            user: {token: testing-token}
        contexts:
          - name: testing
            context: {cluster: testing, user: capstan}
        current-context: testing
        """
        .formatted(masterUrl());
  }

  /**
   * The next {@code count} execs are answered 400, as the API server answers one whose container is
   * not (or no longer) there for a moment. (fabric8 itself tries a 5xx answer again.)
   */
  void dropExecs(int count) {
    dispatcher.dropExecs.set(count);
  }

  /**
   * Every pod of {@code namespace} the kubelet bound so far, deleted ones too, by name, with its
   * node.
   */
  public Map<String, String> boundPods(String namespace) {
    Map<String, String> nodes = new TreeMap<>();
    kubelet
        .bindings()
        .forEach(
            (key, node) -> {
              if (key.startsWith(namespace + "/")) {
                nodes.put(key.substring(namespace.length() + 1), node);
              }
            });
    return nodes;
  }

  /** The local folder that stands for the contents of {@code claim} in {@code namespace}. */
  public Path claimFolder(String namespace, String claim) {
    return kubelet.claimFolder(namespace, claim);
  }

  /** The requests the runtime sent so far. */
  List<Request> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    kubelet.close();
    admin.close();
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      // Vert.x did not stop its server within its own timeout on this busy machine; the port is
      // a loopback one of this test JVM, gone when it exits. Nothing the test checks depends on it.
      System.err.println("mock API server: " + e.getMessage());
    }
    try (Stream<Path> paths = Files.walk(claims)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Serves pods' logs from the kubelet, everything else from the CRUD store; records requests. */
  private final class LogsAndCrud extends Dispatcher {
    private final Dispatcher crud;
    private volatile TestingKubelet kubelet;
    private final AtomicInteger dropExecs = new AtomicInteger();

    LogsAndCrud(Dispatcher crud) {
      this.crud = crud;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String agent = request.getHeader("User-Agent");
      if (agent == null || !agent.contains(KUBELET_AGENT)) {
        // getBytes() leaves the body for the CRUD store to read (getUtf8Body() would consume it).
        byte[] body = request.getBody() == null ? new byte[0] : request.getBody().getBytes();
        requests.add(
            new Request(
                request.getMethod(),
                request.getPath(),
                new String(body, java.nio.charset.StandardCharsets.UTF_8)));
      }
      Matcher log = LOG_PATH.matcher(request.getPath());
      if (log.matches() && kubelet != null) {
        return kubelet
            .log(log.group(1), log.group(2), log.group(3) == null ? "" : log.group(3))
            .map(text -> new MockResponse().setResponseCode(200).setBody(text))
            .orElseGet(() -> new MockResponse().setResponseCode(404).setBody("{}"));
      }
      Matcher exec = EXEC_PATH.matcher(request.getPath());
      if (exec.matches() && dropExecs.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return new MockResponse()
            .setResponseCode(400)
            .setBody(
                "{\"kind\":\"Status\",\"status\":\"Failure\",\"code\":400,"
                    + "\"message\":\"container not found (\\\"reader\\\")\"}");
      }
      if (exec.matches() && kubelet != null) {
        return kubelet
            .exec(exec.group(1), exec.group(2), exec.group(3) == null ? "" : exec.group(3))
            .orElseGet(
                () -> {
                  System.err.println(
                      "testing cluster: exec into "
                          + exec.group(1)
                          + "/"
                          + exec.group(2)
                          + " refused: the kubelet does not know the pod");
                  return new MockResponse()
                      .setResponseCode(400)
                      .setBody("{\"kind\":\"Status\",\"status\":\"Failure\",\"code\":400}");
                });
      }
      return crud.dispatch(request);
    }

    @Override
    public void shutdown() {
      crud.shutdown();
    }
  }
}
