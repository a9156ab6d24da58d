package io.capstan.runtime.kubernetes;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.ArtifactDownload;
import io.capstan.runtime.ArtifactReader;
import io.capstan.runtime.ReplicaLaunch;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.NoSuchElementException;

/**
 * Artifact mounts as KServe's storage initializer makes them (decision 119): per mount an {@code
 * emptyDir} and an init container of the agent image that downloads the artifact into it by
 * presigned URLs, read from a Secret that only the init containers mount, so the pod holds no key
 * of the store; the replica's container mounts the {@code emptyDir} read-only (a file artifact by
 * its name as a sub-path).
 */
final class ArtifactInitializers {
  /** The pod volume of the Secret with the download lists; no other volume is called so. */
  static final String URLS_VOLUME = "capstan-artifact-urls";

  /** Where an init container sees the download lists. */
  static final String URLS_PATH = "/capstan/artifact-urls";

  /** Where an init container sees the {@code emptyDir} it fills. */
  static final String TARGET_PATH = "/capstan/artifact";

  private final ArtifactReader reader;
  private final ArtifactSettings settings;

  ArtifactInitializers(ArtifactReader reader, ArtifactSettings settings) {
    this.reader = requireNonNull(reader, "reader is null");
    this.settings = requireNonNull(settings, "settings is null");
  }

  /**
   * What mount {@code index} of {@code launch}, artifact {@code key} at {@code path}, adds to the
   * pod.
   *
   * @param volume the {@code emptyDir}
   * @param subPath what the replica mounts of it: the file's name, or null for a whole folder
   * @param listKey the key of its download list in the pod's Secret
   * @param list the download list (holds the URLs: never logged)
   * @param container the init container
   */
  record Prepared(
      Volume volume, String subPath, String listKey, String list, Container container) {}

  /**
   * Prepares an artifact mount.
   *
   * @throws IllegalArgumentException naming the mount when no agent image is set, when the store
   *     gives no URLs (local files), or when there is no such artifact
   */
  Prepared prepare(ReplicaLaunch launch, int index, String path, String key) {
    String mount = "the mount at '" + path + "' of replica " + launch.id().key();
    if (settings.agentImage() == null) {
      throw new IllegalArgumentException(
          "Expected capstan.runtime.kubernetes.agent-image to name the image that downloads"
              + " artifacts into pods (the Helm chart sets it to its own image), but it is not set,"
              + " and "
              + mount
              + " is artifact '"
              + key
              + "'");
    }
    ArtifactDownload download;
    try {
      download =
          reader
              .download(key, settings.urlLifetime())
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "Expected an artifact store that pods can download from, but "
                              + mount
                              + " is artifact '"
                              + key
                              + "' and the control plane's store keeps its artifacts on its own"
                              + " disk, which a cluster's pods cannot read: on Kubernetes the"
                              + " store must be S3 (capstan.artifacts.store=s3, decision 119)"));
    } catch (NoSuchElementException e) {
      throw new IllegalArgumentException(
          "Expected artifact '" + key + "' of " + mount + " in the store, but there is none", e);
    }
    String name = "artifact-" + index;
    String listKey = name + ".tsv";
    Volume volume = new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build();
    Container container =
        new ContainerBuilder()
            .withName(name)
            .withImage(settings.agentImage())
            // The agent image's entrypoint is the server jar, which runs the downloader instead
            // of the control plane when its first argument names it.
            .withArgs("storage-initializer", URLS_PATH + "/" + listKey, TARGET_PATH)
            .addNewVolumeMount()
            .withName(URLS_VOLUME)
            .withMountPath(URLS_PATH)
            .withReadOnly(true)
            .endVolumeMount()
            .addNewVolumeMount()
            .withName(name)
            .withMountPath(TARGET_PATH)
            .endVolumeMount()
            .withNewResources()
            .addToRequests("cpu", new Quantity("100m"))
            .addToRequests("memory", new Quantity("256Mi"))
            .addToLimits("memory", new Quantity("512Mi"))
            .endResources()
            .withNewSecurityContext()
            .withAllowPrivilegeEscalation(false)
            .withRunAsNonRoot(true)
            .withNewCapabilities()
            .withDrop("ALL")
            .endCapabilities()
            .endSecurityContext()
            .build();
    String subPath = download.folder() ? null : download.files().get(0).path();
    return new Prepared(volume, subPath, listKey, download.text(), container);
  }
}
