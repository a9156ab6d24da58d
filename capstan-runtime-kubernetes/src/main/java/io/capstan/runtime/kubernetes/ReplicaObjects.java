package io.capstan.runtime.kubernetes;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
import java.util.Optional;

/**
 * What one replica launch becomes in its project's namespace: the pod, and what it mounts that the
 * runtime creates before it: a Secret per mount of files, a ConfigMap of the launch's files, and
 * the claims of the job's volumes (created when missing, shared by the job's replicas).
 *
 * @param pod the pod
 * @param secrets one per {@code Files} mount, named after the pod
 * @param files the launch's files, or empty when it has none
 * @param claims the job volume claims the pod mounts
 */
public record ReplicaObjects(
    Pod pod, List<Secret> secrets, Optional<ConfigMap> files, List<PersistentVolumeClaim> claims) {
  public ReplicaObjects {
    requireNonNull(pod, "pod is null");
    secrets = List.copyOf(requireNonNull(secrets, "secrets is null"));
    requireNonNull(files, "files is null");
    claims = List.copyOf(requireNonNull(claims, "claims is null"));
  }
}
