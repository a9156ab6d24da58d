package io.capstan.runtime.kubernetes;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.JobVolumes;
import io.capstan.runtime.ProjectVolumes;
import io.capstan.runtime.VolumeFile;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The claims of jobs and projects in the projects' namespaces. A job's claims carry its {@code
 * capstan.io/job-uid} label and are deleted by it; a project's volumes are the namespace's other
 * claims, their size the storage they request (what is used inside needs a pod that mounts them). A
 * job volume's files are read through a reader pod that mounts its claim ({@link VolumeReaders},
 * decision 121); the claim is found by its labels, in whichever namespace it is.
 */
final class KubernetesVolumes implements JobVolumes, ProjectVolumes {
  /** The label of a project volume's claim that the runtime made on first use. */
  static final String PROJECT_VOLUME_LABEL = "capstan.io/project-volume";

  private final KubernetesClient client;
  private final KubernetesNames names;
  private final Runnable claimsDeleted;
  private final VolumeReaders readers;

  /** {@code claimsDeleted} is told when claims were deleted, so they are made again when used. */
  KubernetesVolumes(
      KubernetesClient client,
      KubernetesNames names,
      Runnable claimsDeleted,
      VolumeReaders readers) {
    this.client = requireNonNull(client, "client is null");
    this.names = requireNonNull(names, "names is null");
    this.claimsDeleted = requireNonNull(claimsDeleted, "claimsDeleted is null");
    this.readers = requireNonNull(readers, "readers is null");
  }

  @Override
  public List<VolumeFile> list(String jobUid, String volume) {
    JobVolumes.checkVolume(jobUid, volume);
    return claim(jobUid, volume).map(readers::list).orElse(List.of());
  }

  @Override
  public InputStream open(String jobUid, String volume, String path) {
    JobVolumes.checkVolume(jobUid, volume);
    JobVolumes.checkPath(path);
    PersistentVolumeClaim claim =
        claim(jobUid, volume)
            .orElseThrow(
                () ->
                    new NoSuchElementException(
                        "Expected job "
                            + jobUid
                            + " to have volume '"
                            + volume
                            + "' with a file at '"
                            + path
                            + "', but it has no such volume"));
    return readers.open(claim, path);
  }

  @Override
  public void delete(String jobUid) {
    List<PersistentVolumeClaim> claims = claims(jobUid).toList();
    // Readers first: a claim that a pod mounts waits for it before it goes (pvc-protection).
    readers.forget(claims);
    claims.forEach(claim -> client.resource(claim).delete());
    claimsDeleted.run();
  }

  /** The job's claims that are not being deleted, in every namespace. */
  private Stream<PersistentVolumeClaim> claims(String jobUid) {
    // Listed in every namespace: the job's project is not known here (nor after a restart).
    return client
        .persistentVolumeClaims()
        .inAnyNamespace()
        .withLabel(PodSpecs.JOB_UID_LABEL, KubernetesNames.labelValue(jobUid))
        .list()
        .getItems()
        .stream()
        .filter(claim -> claim.getMetadata().getDeletionTimestamp() == null);
  }

  private Optional<PersistentVolumeClaim> claim(String jobUid, String volume) {
    return claims(jobUid)
        .filter(claim -> volume.equals(labels(claim).get(PodSpecs.VOLUME_LABEL)))
        .findFirst();
  }

  @Override
  public List<Usage> list(String project) {
    return client
        .persistentVolumeClaims()
        .inNamespace(names.namespace(project))
        .list()
        .getItems()
        .stream()
        .filter(claim -> !labels(claim).containsKey(PodSpecs.JOB_UID_LABEL))
        .map(claim -> new Usage(claim.getMetadata().getName(), requested(claim), 0))
        .sorted(Comparator.comparing(Usage::claim))
        .toList();
  }

  @Override
  public boolean delete(String project, String claim) {
    PersistentVolumeClaim found =
        client.persistentVolumeClaims().inNamespace(names.namespace(project)).withName(claim).get();
    if (found == null || labels(found).containsKey(PodSpecs.JOB_UID_LABEL)) {
      return false;
    }
    boolean deleted = !client.resource(found).delete().isEmpty();
    claimsDeleted.run();
    return deleted;
  }

  private static Map<String, String> labels(PersistentVolumeClaim claim) {
    Map<String, String> labels = claim.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  private static long requested(PersistentVolumeClaim claim) {
    if (claim.getSpec() == null
        || claim.getSpec().getResources() == null
        || claim.getSpec().getResources().getRequests() == null) {
      return 0;
    }
    Quantity storage = claim.getSpec().getResources().getRequests().get("storage");
    return storage == null
        ? 0
        : Quantity.getAmountInBytes(storage).max(BigDecimal.ZERO).longValue();
  }
}
