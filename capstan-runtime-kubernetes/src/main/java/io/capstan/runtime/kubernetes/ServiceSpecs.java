package io.capstan.runtime.kubernetes;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.ReplicaId;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.Map;

/**
 * The headless Service of a job (decision 87): no cluster IP, selecting the job's pods by their
 * {@code capstan.io/job-uid} label, so that each pod, whose {@code subdomain} names the Service, is
 * {@code <pod>.<service>.<namespace>.svc} in the cluster's DNS. Not-ready pods are published too:
 * peers must find each other while they start, before any of them is ready (as JobSet does).
 */
public final class ServiceSpecs {
  private final KubernetesNames names;

  public ServiceSpecs(KubernetesNames names) {
    this.names = requireNonNull(names, "names is null");
  }

  /** The Service of job {@code jobUid} of project {@code tenant}. */
  public Service service(String tenant, String jobUid) {
    String uidLabel = KubernetesNames.labelValue(jobUid);
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(names.service(jobUid))
        .withNamespace(names.namespace(tenant))
        .withLabels(Map.of(PodSpecs.JOB_UID_LABEL, uidLabel))
        .endMetadata()
        .withNewSpec()
        .withClusterIP("None")
        .withSelector(Map.of(PodSpecs.JOB_UID_LABEL, uidLabel))
        .withPublishNotReadyAddresses(true)
        .endSpec()
        .build();
  }

  /** The DNS name of a pod of the job: {@code <pod>.<service>.<namespace>.svc}. */
  public String podHost(String tenant, ReplicaId id) {
    return names.pod(id)
        + "."
        + names.service(id.jobUid())
        + "."
        + names.namespace(tenant)
        + ".svc";
  }
}
