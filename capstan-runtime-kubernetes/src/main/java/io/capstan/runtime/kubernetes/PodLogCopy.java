package io.capstan.runtime.kubernetes;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.ReplicaId;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the log of one attempt's container into the {@link LogStore} while it runs: one streaming
 * {@code GET .../pods/<pod>/log?follow=true&timestamps=true} at a time, on the HTTP client's own
 * threads. A stream that ends while the container still runs (the API server or the kubelet closed
 * it) is opened again after a pause from the last line's time ({@code sinceTime}); lines already
 * copied are skipped by their timestamps, which are cut off before the copy. Once the container has
 * terminated, one last stream (without {@code follow}) reads what is left and the copy is complete;
 * a pod that is gone (404) completes it with what it has.
 */
final class PodLogCopy {
  private static final Logger log = LoggerFactory.getLogger(PodLogCopy.class);

  private final KubernetesClient client;
  private final LogStore store;
  private final ScheduledExecutorService timer;
  private final Duration retry;
  private final ReplicaId id;
  private final int attempt;
  private final String namespace;
  private final String pod;

  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private Instant lastTime;
  private int linesAtLastTime;
  private int toSkipAtLastTime;
  private boolean streaming;
  private boolean terminated;
  private boolean done;

  PodLogCopy(
      KubernetesClient client,
      LogStore store,
      ScheduledExecutorService timer,
      Duration retry,
      ReplicaId id,
      int attempt,
      String namespace,
      String pod,
      Instant resumeAfter) {
    this.client = requireNonNull(client, "client is null");
    this.store = requireNonNull(store, "store is null");
    this.timer = requireNonNull(timer, "timer is null");
    this.retry = requireNonNull(retry, "retry is null");
    this.id = requireNonNull(id, "id is null");
    this.attempt = attempt;
    this.namespace = requireNonNull(namespace, "namespace is null");
    this.pod = requireNonNull(pod, "pod is null");
    if (resumeAfter != null) {
      // A copy this control plane did not start (it restarted): lines up to the copy's last
      // change are in it already. Lines of that very instant are skipped too: a restart may lose
      // or repeat a line or two, never more.
      this.lastTime = resumeAfter;
      this.linesAtLastTime = Integer.MAX_VALUE;
    }
  }

  /**
   * The container runs or has terminated ({@code terminated}): streams its log unless a stream is
   * open already. Called on every change of the pod.
   */
  synchronized void seen(boolean containerTerminated) {
    terminated |= containerTerminated;
    if (!streaming && !done) {
      connect();
    }
  }

  /** The pod is gone: what was copied is all there will be, once the open stream ends. */
  synchronized void podDeleted() {
    terminated = true;
    if (!streaming && !done) {
      finish();
    }
  }

  /** Stops copying (the job is released). */
  synchronized void stop() {
    done = true;
  }

  synchronized boolean isDone() {
    return done;
  }

  private void connect() {
    streaming = true;
    boolean last = terminated;
    String url = url(last);
    HttpRequest request = client.getHttpClient().newHttpRequestBuilder().uri(url).build();
    toSkipAtLastTime = linesAtLastTime;
    client
        .getHttpClient()
        .consumeBytes(
            request,
            (buffers, body) -> {
              received(buffers);
              body.consume();
            })
        .thenCompose(
            response -> {
              if (HttpResponse.isSuccessful(response.code())) {
                response.body().consume(); // asks for the first bytes; the consumer asks again
                return response.body().done();
              }
              response.body().cancel();
              if (response.code() == 404) {
                podDeleted404();
                return CompletableFuture.<Void>completedFuture(null);
              }
              return CompletableFuture.<Void>failedFuture(
                  new IllegalStateException("the API server answered " + response.code()));
            })
        .whenComplete((ignored, error) -> ended(last, error));
  }

  private String url(boolean last) {
    StringBuilder url =
        new StringBuilder(client.getMasterUrl().toString().replaceAll("/+$", ""))
            .append("/api/v1/namespaces/")
            .append(namespace)
            .append("/pods/")
            .append(pod)
            .append("/log?container=")
            .append(PodSpecs.CONTAINER)
            .append("&timestamps=true");
    if (!last) {
      url.append("&follow=true");
    }
    if (lastTime != null) {
      // sinceTime is whole seconds: lines of that second come again and are skipped by time.
      String since = lastTime.truncatedTo(ChronoUnit.SECONDS).toString();
      url.append("&sinceTime=").append(URLEncoder.encode(since, StandardCharsets.UTF_8));
    }
    return url.toString();
  }

  private synchronized void podDeleted404() {
    terminated = true;
  }

  private synchronized void received(List<ByteBuffer> buffers) {
    if (done) {
      return;
    }
    for (ByteBuffer buffer : buffers) {
      while (buffer.hasRemaining()) {
        byte b = buffer.get();
        partial.write(b);
        if (b == '\n') {
          line(partial.toByteArray());
          partial.reset();
        }
      }
    }
  }

  /** Copies one line unless it was copied before: {@code <RFC 3339 time> <text>}. */
  private void line(byte[] stamped) {
    int space = indexOf(stamped, (byte) ' ');
    Instant time;
    try {
      time =
          space < 0 ? null : Instant.parse(new String(stamped, 0, space, StandardCharsets.UTF_8));
    } catch (DateTimeParseException e) {
      time = null;
    }
    if (time == null) {
      store.append(id, attempt, stamped); // not a stamped line: copied as it came
      return;
    }
    if (lastTime != null && time.isBefore(lastTime)) {
      return;
    }
    if (time.equals(lastTime)) {
      if (toSkipAtLastTime > 0) {
        toSkipAtLastTime--;
        return;
      }
      linesAtLastTime++;
    } else {
      lastTime = time;
      linesAtLastTime = 1;
      toSkipAtLastTime = 0;
    }
    byte[] text = new byte[stamped.length - space - 1];
    System.arraycopy(stamped, space + 1, text, 0, text.length);
    store.append(id, attempt, text);
  }

  private synchronized void ended(boolean last, Throwable error) {
    streaming = false;
    if (done) {
      return;
    }
    if (error != null) {
      log.debug("The log stream of pod {}/{} ended: {}", namespace, pod, error.toString());
    }
    if (last && error == null) {
      finish();
    } else if (terminated && error == null) {
      connect(); // the container has ended: read what is left at once
    } else {
      timer.schedule(this::reconnect, retry.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private synchronized void reconnect() {
    if (!streaming && !done) {
      connect();
    }
  }

  private void finish() {
    if (partial.size() > 0) {
      line(partial.toByteArray()); // the container's last words, without a line break
      partial.reset();
    }
    done = true;
    store.complete(id, attempt);
  }

  private static int indexOf(byte[] bytes, byte wanted) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
  }
}
