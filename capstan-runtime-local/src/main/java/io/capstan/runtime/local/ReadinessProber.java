package io.capstan.runtime.local;

import io.capstan.runtime.ReadinessSpec;
import io.capstan.runtime.ReplicaId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the replicas' readiness probes on threads of its own, as the kubelet does: each probe every
 * period, asynchronously, one request in flight per replica, and remembers the last result for
 * {@code observe}. A probe stops when its replica no longer runs. Header values (secrets) are sent,
 * never logged.
 */
final class ReadinessProber implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReadinessProber.class);

  private final ScheduledExecutorService scheduler;
  private final ExecutorService responses;
  private final HttpClient client;
  private final Map<ReplicaId, Probe> probes = new ConcurrentHashMap<>();

  ReadinessProber() {
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("capstan-readiness"));
    this.responses = Executors.newCachedThreadPool(daemon("capstan-readiness-http"));
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(responses)
            .build();
  }

  /**
   * The request that probes {@code spec} on {@code hostPort}.
   *
   * @throws IllegalArgumentException when it cannot be made (a header Java's client refuses, like
   *     {@code Host})
   */
  static HttpRequest request(int hostPort, ReadinessSpec spec) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hostPort + spec.path()))
            .timeout(spec.timeout())
            .GET();
    try {
      spec.headers().forEach(request::header);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Expected readiness headers the local runtime can send, but "
              + spec.headers().keySet()
              + " holds one it cannot: "
              + e.getMessage(),
          e);
    }
    return request.build();
  }

  /**
   * Sends {@code request} every {@code period} for a replica's attempt until {@code running} says
   * it no longer runs; replaces an earlier probe of the same replica.
   */
  void watch(
      ReplicaId id, int attempt, HttpRequest request, Duration period, BooleanSupplier running) {
    Probe probe = new Probe(id, attempt, request, running);
    Probe earlier = probes.put(id, probe);
    if (earlier != null) {
      earlier.stop();
    }
    probe.future =
        scheduler.scheduleAtFixedRate(probe::tick, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    if (probe.stopped) {
      probe.stop(); // it stopped before its future was set
    }
  }

  /** Whether the last probe of this replica's attempt passed. */
  boolean ready(ReplicaId id, int attempt) {
    Probe probe = probes.get(id);
    return probe != null && probe.attempt == attempt && probe.ready;
  }

  /** Stops probing a replica. */
  void forget(ReplicaId id) {
    Probe probe = probes.remove(id);
    if (probe != null) {
      probe.stop();
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    responses.shutdownNow();
    probes.clear();
  }

  private final class Probe {
    private final ReplicaId id;
    private final int attempt;
    private final HttpRequest request;
    private final BooleanSupplier running;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private volatile boolean ready;
    private volatile boolean stopped;
    private volatile ScheduledFuture<?> future;

    private Probe(ReplicaId id, int attempt, HttpRequest request, BooleanSupplier running) {
      this.id = id;
      this.attempt = attempt;
      this.request = request;
      this.running = running;
    }

    private void tick() {
      try {
        if (stopped) {
          return;
        }
        if (!running.getAsBoolean()) {
          ready = false;
          probes.remove(id, this);
          stop();
          return;
        }
        if (!inFlight.compareAndSet(false, true)) {
          return;
        }
        client
            .sendAsync(request, HttpResponse.BodyHandlers.discarding())
            .whenComplete(
                (response, error) -> {
                  int status = response == null ? 0 : response.statusCode();
                  ready = !stopped && status >= 200 && status < 400;
                  inFlight.set(false);
                  if (error != null) {
                    log.trace("Readiness probe of {} failed: {}", id.key(), error.toString());
                  }
                });
      } catch (RuntimeException e) {
        // A replica directory removed under our feet, a closed client: not ready, keep going.
        ready = false;
        inFlight.set(false);
        log.debug("Readiness probe of {} could not run: {}", id.key(), e.toString());
      }
    }

    private void stop() {
      stopped = true;
      ready = false;
      ScheduledFuture<?> scheduled = future;
      if (scheduled != null) {
        scheduled.cancel(false);
      }
    }
  }

  private static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
