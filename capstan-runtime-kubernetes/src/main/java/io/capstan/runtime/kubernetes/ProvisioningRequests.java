package io.capstan.runtime.kubernetes;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.Resources;
import io.capstan.runtime.CapacityRequests;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.api.model.PodTemplateBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One ProvisioningRequest ({@code autoscaling.x-k8s.io/v1}, the cluster-autoscaler's) per gang that
 * no node holds, in its project's namespace, named after the job's uid, with one PodTemplate per
 * distinct pod shape of the gang (decision 123). Requests are read from an informer on the requests
 * Capstan made (labelled with the job's uid), so a cycle in which nothing changed sends nothing; a
 * request whose gang is no longer listed is deleted with its templates.
 */
final class ProvisioningRequests implements CapacityRequests {
  static final String GROUP = "autoscaling.x-k8s.io";
  static final String VERSION = "v1";
  static final String PLURAL = "provisioningrequests";

  /** A container is required in a template; it is never run. */
  static final String PLACEHOLDER_IMAGE = "registry.k8s.io/pause:3.10";

  static final ResourceDefinitionContext CONTEXT =
      new ResourceDefinitionContext.Builder()
          .withGroup(GROUP)
          .withVersion(VERSION)
          .withKind("ProvisioningRequest")
          .withPlural(PLURAL)
          .withNamespaced(true)
          .build();

  private final KubernetesClient client;
  private final KubernetesSettings settings;
  private final ClusterGrowthSettings growth;
  private final Consumer<String> namespaces;
  private final Clock clock;
  private final SharedIndexInformer<GenericKubernetesResource> informer;

  /** Requests made by this control plane that the informer may not show yet, by store key. */
  private final Map<String, GenericKubernetesResource> created = new ConcurrentHashMap<>();

  /** Requests being deleted, by store key, until the informer no longer has them. */
  private final Set<String> withdrawn = ConcurrentHashMap.newKeySet();

  /** When a request was first seen failed or revoked, by store key. */
  private final Map<String, Instant> failedSince = new ConcurrentHashMap<>();

  private ProvisioningRequests(
      KubernetesClient client,
      KubernetesSettings settings,
      ClusterGrowthSettings growth,
      Consumer<String> namespaces,
      Clock clock) {
    this.client = client;
    this.settings = settings;
    this.growth = growth;
    this.namespaces = namespaces;
    this.clock = clock;
    this.informer =
        client
            .genericKubernetesResources(CONTEXT)
            .inAnyNamespace()
            .withLabel(PodSpecs.JOB_UID_LABEL)
            .runnableInformer(0);
  }

  /**
   * The requests, where they are enabled and the cluster serves their API (asked once, here); empty
   * otherwise.
   *
   * @param namespaces makes a project's namespace when it is missing
   */
  static Optional<ProvisioningRequests> start(
      KubernetesClient client,
      KubernetesSettings settings,
      ClusterGrowthSettings growth,
      Consumer<String> namespaces,
      Clock clock) {
    requireNonNull(client, "client is null");
    if (!growth.provisioningRequests() || !served(client)) {
      return Optional.empty();
    }
    ProvisioningRequests requests =
        new ProvisioningRequests(client, settings, growth, namespaces, clock);
    try {
      requests.informer.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
      return Optional.of(requests);
    } catch (ExecutionException | TimeoutException e) {
      requests.close();
      throw new IllegalStateException(
          "Expected to list and watch " + PLURAL + "." + GROUP + ", but could not: " + e, e);
    } catch (InterruptedException e) {
      requests.close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while watching " + PLURAL, e);
    }
  }

  /** Whether the API server serves ProvisioningRequests (the CRD is installed). */
  static boolean served(KubernetesClient client) {
    try {
      APIResourceList resources = client.getApiResources(GROUP + "/" + VERSION);
      return resources != null
          && resources.getResources() != null
          && resources.getResources().stream().anyMatch(r -> PLURAL.equals(r.getName()));
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND
          || e.getCode() == HttpURLConnection.HTTP_FORBIDDEN) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public synchronized Map<String, CapacityState> reconcile(List<Gang> gangs) {
    Map<String, Gang> wanted = new LinkedHashMap<>();
    gangs.forEach(gang -> wanted.put(key(gang), gang));
    withdrawUnwanted(wanted.keySet());
    Map<String, CapacityState> states = new LinkedHashMap<>();
    for (Map.Entry<String, Gang> entry : wanted.entrySet()) {
      String key = entry.getKey();
      GenericKubernetesResource request = current(key);
      if (request == null) {
        request = create(entry.getValue());
      }
      CapacityState state = state(key, request);
      if (retryDue(key, state)) {
        withdraw(key, request);
      }
      states.put(entry.getValue().jobUid(), state);
    }
    return states;
  }

  void close() {
    informer.close();
  }

  private void withdrawUnwanted(Set<String> wanted) {
    Set<String> known = new HashSet<>(created.keySet());
    for (GenericKubernetesResource request : informer.getStore().list()) {
      known.add(storeKey(request));
    }
    withdrawn.removeIf(key -> informer.getStore().getByKey(key) == null);
    for (String key : known) {
      if (!wanted.contains(key) && !withdrawn.contains(key)) {
        withdraw(key, current(key));
      }
    }
  }

  private GenericKubernetesResource current(String key) {
    GenericKubernetesResource seen = informer.getStore().getByKey(key);
    if (seen != null) {
      created.remove(key);
      return withdrawn.contains(key) ? null : seen;
    }
    return created.get(key);
  }

  private GenericKubernetesResource create(Gang gang) {
    String namespace = namespace(gang);
    String name = gang.jobUid();
    namespaces.accept(namespace);
    Map<Resources, Integer> shapes = new LinkedHashMap<>();
    gang.pods().forEach(pod -> shapes.merge(pod, 1, Integer::sum));
    List<Map<String, Object>> podSets = new ArrayList<>();
    int index = 0;
    for (Map.Entry<Resources, Integer> shape : shapes.entrySet()) {
      PodTemplate template = template(gang, namespace, name + "-" + index++, shape.getKey());
      client.resource(template).createOr(existing -> existing.update());
      podSets.add(
          Map.of(
              "count",
              shape.getValue(),
              "podTemplateRef",
              Map.of("name", template.getMetadata().getName())));
    }
    GenericKubernetesResource request =
        new GenericKubernetesResourceBuilder()
            .withApiVersion(GROUP + "/" + VERSION)
            .withKind("ProvisioningRequest")
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .addToLabels(PodSpecs.JOB_UID_LABEL, KubernetesNames.labelValue(gang.jobUid()))
            .endMetadata()
            .addToAdditionalProperties(
                "spec",
                Map.of("provisioningClassName", growth.provisioningClass(), "podSets", podSets))
            .build();
    GenericKubernetesResource made;
    try {
      made =
          client
              .genericKubernetesResources(CONTEXT)
              .inNamespace(namespace)
              .resource(request)
              .create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      // Made by an earlier control plane (the informer shows it soon), or one withdrawn and not
      // gone yet: asked again next cycle, until one of them is seen.
      return request;
    }
    String key = namespace + "/" + name;
    withdrawn.remove(key);
    created.put(key, made);
    return made;
  }

  private PodTemplate template(Gang gang, String namespace, String name, Resources pod) {
    Map<String, Quantity> amounts = new LinkedHashMap<>();
    amounts.put("cpu", new Quantity(pod.cpuMillis() + "m"));
    amounts.put("memory", new Quantity(Long.toString(pod.memoryBytes())));
    if (pod.gpus() > 0) {
      amounts.put(settings.gpuResource(), new Quantity(Integer.toString(pod.gpus())));
    }
    PodTemplateBuilder builder =
        new PodTemplateBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .addToLabels(PodSpecs.JOB_UID_LABEL, KubernetesNames.labelValue(gang.jobUid()))
            .endMetadata();
    var spec =
        builder
            .withNewTemplate()
            .withNewSpec()
            .addNewContainer()
            .withName("replica")
            .withImage(PLACEHOLDER_IMAGE)
            .withNewResources()
            .withRequests(amounts)
            .withLimits(amounts)
            .endResources()
            .endContainer();
    if (pod.gpus() > 0) {
      // GPU node pools are commonly tainted for GPU pods; the template must match their nodes.
      spec.addNewToleration()
          .withKey(settings.gpuResource())
          .withOperator("Exists")
          .withEffect("NoSchedule")
          .endToleration();
    }
    return spec.endSpec().endTemplate().build();
  }

  private void withdraw(String key, GenericKubernetesResource request) {
    created.remove(key);
    failedSince.remove(key);
    withdrawn.add(key);
    if (request == null) {
      return;
    }
    String namespace = request.getMetadata().getNamespace();
    client
        .genericKubernetesResources(CONTEXT)
        .inNamespace(namespace)
        .withName(request.getMetadata().getName())
        .delete();
    Map<String, String> labels = request.getMetadata().getLabels();
    if (labels != null && labels.get(PodSpecs.JOB_UID_LABEL) != null) {
      client
          .v1()
          .podTemplates()
          .inNamespace(namespace)
          .withLabel(PodSpecs.JOB_UID_LABEL, labels.get(PodSpecs.JOB_UID_LABEL))
          .delete();
    }
  }

  private boolean retryDue(String key, CapacityState state) {
    if (state.phase() != Phase.FAILED && state.phase() != Phase.CAPACITY_REVOKED) {
      failedSince.remove(key);
      return false;
    }
    Instant since = failedSince.computeIfAbsent(key, k -> clock.instant());
    return !Duration.between(since, clock.instant()).minus(growth.retryAfter()).isNegative();
  }

  /** The request's phase from its conditions, the last one reached first. */
  static CapacityState state(String storeKey, GenericKubernetesResource request) {
    String key = "ProvisioningRequest " + storeKey;
    Map<String, Map<String, Object>> conditions = conditions(request);
    if (isTrue(conditions.get("Failed"))) {
      return new CapacityState(key, Phase.FAILED, message(conditions.get("Failed")));
    }
    if (isTrue(conditions.get("CapacityRevoked"))) {
      return new CapacityState(
          key, Phase.CAPACITY_REVOKED, message(conditions.get("CapacityRevoked")));
    }
    if (isTrue(conditions.get("Provisioned"))) {
      return new CapacityState(key, Phase.PROVISIONED, message(conditions.get("Provisioned")));
    }
    if (isTrue(conditions.get("Accepted"))) {
      return new CapacityState(key, Phase.ACCEPTED, message(conditions.get("Provisioned")));
    }
    return new CapacityState(key, Phase.REQUESTED, "");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> conditions(GenericKubernetesResource request) {
    Map<String, Map<String, Object>> byType = new LinkedHashMap<>();
    Object status = request.getAdditionalProperties().get("status");
    if (status instanceof Map<?, ?> map && map.get("conditions") instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof Map<?, ?> condition && condition.get("type") instanceof String type) {
          byType.put(type, (Map<String, Object>) condition);
        }
      }
    }
    return byType;
  }

  private static boolean isTrue(Map<String, Object> condition) {
    return condition != null && "True".equals(condition.get("status"));
  }

  private static String message(Map<String, Object> condition) {
    if (condition == null) {
      return "";
    }
    Object reason = condition.get("reason");
    Object message = condition.get("message");
    String text = reason == null ? "" : reason.toString();
    if (message != null && !message.toString().isBlank()) {
      text = text.isEmpty() ? message.toString() : text + ": " + message;
    }
    return text;
  }

  private String key(Gang gang) {
    return namespace(gang) + "/" + gang.jobUid();
  }

  private String namespace(Gang gang) {
    return settings.namespacePrefix() + gang.project();
  }

  private static String storeKey(GenericKubernetesResource request) {
    return request.getMetadata().getNamespace() + "/" + request.getMetadata().getName();
  }
}
