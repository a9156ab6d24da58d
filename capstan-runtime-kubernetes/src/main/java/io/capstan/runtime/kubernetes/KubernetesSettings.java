package io.capstan.runtime.kubernetes;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.Quantity;
import java.util.regex.Pattern;

/**
 * How the Kubernetes runtime names and sizes what it creates (the {@code
 * capstan.runtime.kubernetes.*} settings).
 *
 * @param namespacePrefix a project's namespace is this prefix followed by the project's name
 *     ({@code capstan-} makes project {@code vision} namespace {@code capstan-vision}); may be
 *     empty
 * @param jobVolumeSize the storage a job volume's claim requests, a Kubernetes quantity ({@code
 *     10Gi})
 * @param storageClass the storage class of job volume claims, or null for the cluster's default
 * @param gpuResource the extended resource a GPU is requested as ({@code nvidia.com/gpu})
 */
public record KubernetesSettings(
    String namespacePrefix, String jobVolumeSize, String storageClass, String gpuResource) {
  private static final Pattern PREFIX = Pattern.compile("([a-z0-9][-a-z0-9]*)?");
  private static final Pattern RESOURCE_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

  public KubernetesSettings {
    requireNonNull(namespacePrefix, "namespacePrefix is null");
    requireNonNull(jobVolumeSize, "jobVolumeSize is null");
    requireNonNull(gpuResource, "gpuResource is null");
    if (!PREFIX.matcher(namespacePrefix).matches() || namespacePrefix.length() > 30) {
      throw new IllegalArgumentException(
          "Expected capstan.runtime.kubernetes.namespace-prefix to be at most 30 lowercase letters,"
              + " digits and '-' that start with a letter or digit, but was '"
              + namespacePrefix
              + "'");
    }
    try {
      if (Quantity.getAmountInBytes(new Quantity(jobVolumeSize)).signum() <= 0) {
        throw new IllegalArgumentException("not positive");
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Expected capstan.runtime.kubernetes.job-volume-size to be a positive quantity such as"
              + " 10Gi, but was '"
              + jobVolumeSize
              + "'",
          e);
    }
    if (storageClass != null && !KubernetesNames.isSubdomain(storageClass)) {
      throw new IllegalArgumentException(
          "Expected capstan.runtime.kubernetes.storage-class to be a storage class name, but was '"
              + storageClass
              + "'");
    }
    if (!RESOURCE_NAME.matcher(gpuResource).matches()) {
      throw new IllegalArgumentException(
          "Expected capstan.runtime.kubernetes.gpu-resource to be an extended resource name such"
              + " as nvidia.com/gpu, but was '"
              + gpuResource
              + "'");
    }
  }

  /** Namespaces {@code capstan-<project>}, 10Gi job volumes of the default class, NVIDIA GPUs. */
  public static KubernetesSettings defaults() {
    return new KubernetesSettings("capstan-", "10Gi", null, "nvidia.com/gpu");
  }

  public KubernetesSettings withNamespacePrefix(String newPrefix) {
    return new KubernetesSettings(newPrefix, jobVolumeSize, storageClass, gpuResource);
  }

  public KubernetesSettings withStorageClass(String newStorageClass, String newJobVolumeSize) {
    return new KubernetesSettings(namespacePrefix, newJobVolumeSize, newStorageClass, gpuResource);
  }
}
