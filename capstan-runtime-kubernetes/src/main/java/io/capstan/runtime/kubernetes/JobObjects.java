package io.capstan.runtime.kubernetes;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.Mount;
import io.capstan.runtime.MountSource;
import io.capstan.runtime.ReplicaLaunch;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates what a launch needs besides its pod, each once: the project's namespace (with the
 * ConfigMap of the Python helper, decision 129), the job's headless Service (the job's root object:
 * the pods, Secrets and ConfigMaps it makes name it as their owner, so deleting it collects them),
 * the claims of the job's volumes and of the project volumes it mounts, then the pod. What it made
 * is remembered, so a job of eight pods sends its Service and claims once; a conflict ({@code 409})
 * means it exists, which is as good.
 */
final class JobObjects {
  private final KubernetesClient client;
  private final PodSpecs specs;
  private final ServiceSpecs services;
  private final KubernetesSettings settings;
  private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
  private final Set<String> claims = ConcurrentHashMap.newKeySet();
  private final Map<String, Service> jobServices = new ConcurrentHashMap<>();

  JobObjects(KubernetesClient client, PodSpecs specs, KubernetesSettings settings) {
    this.client = requireNonNull(client, "client is null");
    this.specs = requireNonNull(specs, "specs is null");
    this.services = new ServiceSpecs(specs.names());
    this.settings = requireNonNull(settings, "settings is null");
  }

  /**
   * Creates everything {@code objects} needs, then its pod, owned by the job's Service.
   *
   * @return the pod as created, or empty when a pod of that name exists already
   */
  Optional<Pod> create(ReplicaLaunch launch, ReplicaObjects objects) {
    String namespace = objects.pod().getMetadata().getNamespace();
    namespace(namespace);
    OwnerReference owner = owner(service(launch.tenant(), launch.id().jobUid()));
    for (PersistentVolumeClaim claim : objects.claims()) {
      claim(claim);
    }
    for (Mount mount : launch.mounts()) {
      if (mount.source() instanceof MountSource.ProjectVolume project) {
        claim(projectClaim(namespace, project.claim()));
      }
    }
    for (HasMetadata owned : owned(objects)) {
      owned.getMetadata().setOwnerReferences(List.of(owner));
      client.resource(owned).createOr(NonDeletingOperation::update);
    }
    Pod pod = objects.pod();
    pod.getMetadata().setOwnerReferences(List.of(owner));
    try {
      return Optional.of(client.resource(pod).create());
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The job's Service, if this control plane made it (or found it made) since it started. */
  Optional<Service> serviceOf(String jobUid) {
    return Optional.ofNullable(jobServices.get(jobUid));
  }

  /** Forgets the job's Service, once it was deleted. */
  void forget(String jobUid) {
    jobServices.remove(jobUid);
  }

  private static List<HasMetadata> owned(ReplicaObjects objects) {
    List<HasMetadata> owned = new ArrayList<>(objects.secrets());
    objects.files().ifPresent(owned::add);
    return owned;
  }

  /** Makes the namespace once, unless it exists or the operator forbids it. */
  void namespace(String namespace) {
    if (namespaces.contains(namespace)) {
      return;
    }
    try {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .create();
    } catch (KubernetesClientException e) {
      // 409: made before; 403: the operator makes the projects' namespaces and forbids it.
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT
          && e.getCode() != HttpURLConnection.HTTP_FORBIDDEN) {
        throw e;
      }
    }
    // The Python helper, once per namespace and start (so a newer server's replaces an older).
    try {
      client
          .resource(KubernetesMetricFiles.pythonLibrary(namespace))
          .createOr(NonDeletingOperation::update);
    } catch (KubernetesClientException e) {
      // Its volume is optional: the pods run, and a script that imports the helper fails.
      System.getLogger(JobObjects.class.getName())
          .log(
              System.Logger.Level.WARNING,
              "Cannot make ConfigMap "
                  + namespace
                  + "/"
                  + KubernetesMetricFiles.PYTHON_LIBRARY
                  + " of the Python helper: "
                  + e.getMessage());
    }
    namespaces.add(namespace);
  }

  private Service service(String tenant, String jobUid) {
    return jobServices.computeIfAbsent(
        jobUid,
        uid -> {
          Service wanted = services.service(tenant, uid);
          try {
            return client.resource(wanted).create();
          } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
              throw e;
            }
            return client.resource(wanted).get();
          }
        });
  }

  private void claim(PersistentVolumeClaim claim) {
    String key = claim.getMetadata().getNamespace() + "/" + claim.getMetadata().getName();
    if (claims.contains(key)) {
      return;
    }
    try {
      client.resource(claim).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
    claims.add(key);
  }

  /** A project volume's claim, made on first use as the local runtime makes its folder. */
  private PersistentVolumeClaim projectClaim(String namespace, String name) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(
            Map.of(KubernetesVolumes.PROJECT_VOLUME_LABEL, KubernetesNames.labelValue(name)))
        .endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteMany")
        .withStorageClassName(settings.storageClass())
        .withNewResources()
        .addToRequests("storage", new Quantity(settings.jobVolumeSize()))
        .endResources()
        .endSpec()
        .build();
  }

  /** Forgets the claims of a job or project that were deleted, so a later launch makes them. */
  void forgetClaims() {
    claims.clear();
  }

  private static OwnerReference owner(Service service) {
    return new OwnerReferenceBuilder()
        .withApiVersion("v1")
        .withKind("Service")
        .withName(service.getMetadata().getName())
        .withUid(service.getMetadata().getUid())
        .withBlockOwnerDeletion(false)
        .withController(false)
        .build();
  }
}
