package io.capstan.serving;

import io.capstan.serving.metrics.ServingMetrics;
import io.capstan.serving.model.InferenceRequest;
import io.capstan.serving.model.InferenceResult;
import io.capstan.serving.model.ModelRegistry;
import io.capstan.serving.model.ModelStatistics;
import io.capstan.serving.model.ServedModel;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The KServe v2 operations, whatever the protocol: health, metadata and inference, with drain and
 * metrics applied in one place. The HTTP and gRPC frontends only translate to and from it.
 */
public final class ModelService {
  public static final String SERVER_NAME = "capstan-model-server";
  public static final String SERVER_VERSION = "0.1.0";
  public static final String PLATFORM = "onnxruntime_onnx";

  private final RequestGate gate;
  private final ServingMetrics metrics;
  private final ReplicaSecret secret;
  private volatile ModelRegistry registry;

  public ModelService(RequestGate gate, ServingMetrics metrics) {
    this(gate, metrics, ReplicaSecret.of(null));
  }

  public ModelService(RequestGate gate, ServingMetrics metrics, ReplicaSecret secret) {
    this.gate = gate;
    this.metrics = metrics;
    this.secret = secret;
  }

  /** What every request must carry; open when the server was started without a secret. */
  public ReplicaSecret secret() {
    return secret;
  }

  /**
   * Passes a request whose {@code Authorization} (may be null) carries the replica's secret.
   *
   * @throws ServingException UNAUTHENTICATED otherwise
   */
  public void requireSecret(CharSequence authorization) {
    if (!secret.allows(authorization)) {
      throw new ServingException(
          ErrorKind.UNAUTHENTICATED, ReplicaSecret.refusal(authorization != null));
    }
  }

  /** Makes the loaded models available; readiness turns true. */
  void ready(ModelRegistry registry) {
    this.registry = registry;
  }

  public RequestGate gate() {
    return gate;
  }

  public ServingMetrics metrics() {
    return metrics;
  }

  public boolean live() {
    return true;
  }

  /** True once every model is loaded, until draining starts. */
  public boolean ready() {
    return registry != null && !gate.draining();
  }

  /** The model, or a 404 (unknown) or 503 (still loading). */
  public ServedModel model(String name, String version) {
    ModelRegistry loaded = registry;
    if (loaded == null) {
      throw new ServingException(ErrorKind.UNAVAILABLE, "the models are still loading");
    }
    return loaded.resolve(name, version);
  }

  public ModelRegistry registry() {
    ModelRegistry loaded = registry;
    if (loaded == null) {
      throw new ServingException(ErrorKind.UNAVAILABLE, "the models are still loading");
    }
    return loaded;
  }

  /** True when the model exists and the server is ready; 404 for an unknown model. */
  public boolean modelReady(String name, String version) {
    model(name, version);
    return ready();
  }

  /**
   * Resolves the model, decodes the request with {@code decode} (which may fail as a bad request)
   * and runs it; the future fails with a {@link ServingException}. The caller must have been
   * admitted by the gate.
   */
  public CompletableFuture<InferenceResult> infer(
      String name,
      String version,
      String protocol,
      Function<ServedModel, InferenceRequest> decode) {
    long start = System.nanoTime();
    ServedModel model;
    try {
      model = model(name, version);
    } catch (ServingException e) {
      metrics.request("", "", protocol, outcome(e), System.nanoTime() - start);
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<InferenceResult> result;
    try {
      result = model.infer(decode.apply(model));
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    String modelName = model.name();
    String modelVersion = Long.toString(model.version());
    ModelStatistics statistics = model.statistics();
    return result.whenComplete(
        (ok, error) -> {
          long took = System.nanoTime() - start;
          metrics.request(
              modelName, modelVersion, protocol, error == null ? "ok" : outcome(error), took);
          statistics.request(error == null, took);
        });
  }

  /**
   * Runs {@code reply} at once when the answer is already there (a request that ran on its caller's
   * thread), else on {@code transport} (the connection's event loop; null: the thread that
   * completes it), so the answers of a batch are serialized in parallel on the transport threads,
   * not one after another on the batcher's thread.
   */
  public static <T> void reply(
      CompletableFuture<T> answer,
      java.util.concurrent.Executor transport,
      java.util.function.BiConsumer<? super T, ? super Throwable> reply) {
    if (answer.isDone() || transport == null) {
      answer.whenComplete(reply);
    } else {
      answer.whenCompleteAsync(reply, transport);
    }
  }

  /** The error to answer with for anything an operation threw. */
  public static ServingException error(Throwable error) {
    Throwable cause = error;
    while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ServingException serving) {
      return serving;
    }
    return new ServingException(ErrorKind.INTERNAL, "internal error: " + cause, cause);
  }

  private static String outcome(Throwable error) {
    return error(error).kind().name().toLowerCase(java.util.Locale.ROOT);
  }
}
