package io.capstan.runtime.kubernetes;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Clears the way for a new attempt of a replica: its pod name carries no attempt (so its DNS name
 * stays), so the previous attempt's pod is deleted at once and seen gone before the next is
 * created, as the Training Operator does.
 */
final class PodReplacement {
  private static final long WAIT_SECONDS = 60;

  private final KubernetesClient client;
  private final ClusterWatch watch;

  PodReplacement(KubernetesClient client, ClusterWatch watch) {
    this.client = requireNonNull(client, "client is null");
    this.watch = requireNonNull(watch, "watch is null");
  }

  /** Deletes {@code old} without a grace period and waits until it is gone. */
  void replace(Pod old) {
    var gone = watch.deletion(old);
    watch.forget(old);
    client
        .pods()
        .inNamespace(old.getMetadata().getNamespace())
        .withName(old.getMetadata().getName())
        .withGracePeriod(0)
        .delete();
    try {
      gone.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw new IllegalStateException(
          "Expected pod "
              + old.getMetadata().getNamespace()
              + "/"
              + old.getMetadata().getName()
              + " of the previous attempt to be gone within "
              + WAIT_SECONDS
              + "s, but it is still there",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while replacing a pod", e);
    }
  }
}
