package io.capstan.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Duration;
import java.util.List;

/**
 * The pod that reads a job volume's claim (decision 121): one container of a small image that
 * sleeps while the runtime runs {@code find} and {@code cat} in it over the exec API, the claim
 * mounted read-only, owned by the claim (deleting the claim collects it), no service account token,
 * no privilege escalation, a read-only root file system and of the capabilities only {@code
 * DAC_OVERRIDE}, so that it reads files a replica wrote as any user.
 */
final class VolumeReaderSpecs {
  /** The label of a reader pod: the name of the claim it reads. */
  static final String READER_LABEL = "capstan.io/volume-reader";

  /** The reader's container. */
  static final String CONTAINER = "reader";

  /** Where the claim is mounted in the reader. */
  static final String MOUNT_PATH = "/capstan/volume";

  private VolumeReaderSpecs() {}

  /** The reader pod's name for {@code claim}. */
  static String podName(String claim) {
    return KubernetesNames.label(claim + "-reader");
  }

  /**
   * The reader of {@code claim}, in its namespace, with {@code image}; its container ends by itself
   * after {@code lifetime}, so a reader the control plane forgot (it crashed) does not run on.
   */
  static Pod reader(PersistentVolumeClaim claim, String image, Duration lifetime) {
    String name = claim.getMetadata().getName();
    return new PodBuilder()
        .withNewMetadata()
        .withName(podName(name))
        .withNamespace(claim.getMetadata().getNamespace())
        .addToLabels(READER_LABEL, KubernetesNames.labelValue(name))
        .addToOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion("v1")
                .withKind("PersistentVolumeClaim")
                .withName(name)
                .withUid(claim.getMetadata().getUid())
                .withBlockOwnerDeletion(false)
                .withController(false)
                .build())
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withTerminationGracePeriodSeconds(1L)
        .addNewContainer()
        .withName(CONTAINER)
        .withImage(image)
        .withCommand(List.of("sleep", Long.toString(lifetime.toSeconds())))
        .addNewVolumeMount()
        .withName("volume")
        .withMountPath(MOUNT_PATH)
        .withReadOnly(true)
        .endVolumeMount()
        .withNewResources()
        .addToRequests("cpu", new Quantity("10m"))
        .addToRequests("memory", new Quantity("16Mi"))
        .addToLimits("cpu", new Quantity("500m"))
        .addToLimits("memory", new Quantity("64Mi"))
        .endResources()
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .withAdd("DAC_OVERRIDE")
        .endCapabilities()
        .endSecurityContext()
        .endContainer()
        .addNewVolume()
        .withName("volume")
        .withNewPersistentVolumeClaim()
        .withClaimName(name)
        .withReadOnly(true)
        .endPersistentVolumeClaim()
        .endVolume()
        .endSpec()
        .build();
  }
}
