package io.capstan.serving;

import io.capstan.serving.batching.BatchingOptions;
import io.capstan.serving.batching.DynamicBatcher;
import io.capstan.serving.grpc.GrpcFrontend;
import io.capstan.serving.http.HttpFrontend;
import io.capstan.serving.metrics.ServingMetrics;
import io.capstan.serving.model.DirectExecutor;
import io.capstan.serving.model.ModelRegistry;
import io.capstan.serving.model.ModelRunner;
import io.capstan.serving.model.ModelSpec;
import io.capstan.serving.model.ModelStatistics;
import io.capstan.serving.model.OnnxModel;
import io.capstan.serving.model.ServedModel;
import io.capstan.serving.model.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * One serving replica, and its composition root: listens on HTTP and gRPC, loads every model
 * version (readiness turns true once all are loaded) and drains on {@link #close()}.
 */
public final class ModelServer implements AutoCloseable {
  private final ServerOptions options;
  private final PrintStream log;
  private final RequestGate gate = new RequestGate();
  private final ServingMetrics metrics = new ServingMetrics();
  private final ModelService service;
  private final HttpFrontend http;
  private final GrpcFrontend grpc;
  private ModelRegistry registry;
  private boolean closed;

  /** Starts listening; the models are not loaded yet ({@link #load()}). */
  public ModelServer(ServerOptions options, PrintStream log)
      throws IOException, InterruptedException {
    this.options = options;
    this.log = log;
    this.service = new ModelService(gate, metrics, options.secret());
    NettyTransport transport = NettyTransport.choose(options.nio());
    this.http =
        new HttpFrontend(
            service, transport, options.host(), options.httpPort(), options.maxRequestBytes());
    try {
      this.grpc =
          GrpcFrontend.start(
              options.grpcFrontend(),
              service,
              transport,
              options.host(),
              options.grpcPort(),
              options.maxRequestBytes());
    } catch (IOException | InterruptedException | RuntimeException e) {
      http.close();
      throw e;
    }
    log.printf(
        "model server listening on %s: http %d, grpc %d (%s gRPC frontend; %s transport%s)%n",
        options.host(),
        http.port(),
        grpc.port(),
        options.grpcFrontend().flag(),
        transport.name(),
        options.nio() || transport.name().equals("epoll")
            ? ""
            : "; epoll unavailable: " + NettyTransport.epollUnavailableReason());
  }

  /** Listens and loads every model; the caller closes it. */
  public static ModelServer start(ServerOptions options, PrintStream log)
      throws IOException, InterruptedException {
    ModelServer server = new ModelServer(options, log);
    try {
      server.load();
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** Loads every model version; then readiness is true. A model that fails to load is fatal. */
  public void load() {
    List<ServedModel> loaded = new ArrayList<>();
    try {
      for (ModelSpec spec : options.models()) {
        loaded.add(load(spec));
      }
      registry = new ModelRegistry(loaded);
    } catch (RuntimeException e) {
      loaded.forEach(ServedModel::close);
      throw e;
    }
    service.ready(registry);
    log.printf("model server ready: %d model version(s)%n", loaded.size());
  }

  private ServedModel load(ModelSpec spec) {
    OnnxModel model;
    try {
      model = OnnxModel.load(spec.path(), options.session());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--model " + spec.name() + ":" + spec.version() + ": " + e.getMessage(), e);
    }
    BatchingOptions batching = options.batching();
    boolean batched = batching.enabled() && ServedModel.batchable(model);
    ServingMetrics.ModelMeters meters = metrics.model(spec.name(), spec.version());
    ModelStatistics statistics = new ModelStatistics();
    ModelRunner timed =
        (inputs, outputs) -> {
          long start = System.nanoTime();
          List<Tensor> result = model.run(inputs, outputs);
          statistics.executed(
              inputs.isEmpty() ? 1 : (int) inputs.get(0).rows(), System.nanoTime() - start);
          return result;
        };
    LongConsumer queued =
        nanos -> {
          meters.queued(nanos);
          statistics.queued(nanos);
        };
    ServedModel served =
        new ServedModel(
            spec,
            model,
            batched,
            batching.maxBatchSize(),
            statistics,
            self ->
                batched
                    ? new DynamicBatcher(
                        spec.name() + "-" + spec.version(),
                        timed,
                        batching,
                        queued,
                        meters::batch,
                        gate::inFlight)
                    : new DirectExecutor(timed, meters::batch));
    log.printf(
        "loaded model %s version %d from %s on %s (%s threads intra-op, %s inter-op); %s%n",
        spec.name(),
        spec.version(),
        spec.path(),
        model.placement(),
        options.session().intraOpThreads(),
        options.session().interOpThreads(),
        batched
            ? "dynamic batching: max "
                + batching.maxBatchSize()
                + " rows, max queue delay "
                + batching.maxQueueDelayMicros()
                + " us, preferred "
                + batching.preferredBatchSizes()
            : batching.enabled()
                ? "not batched: an input or output has a fixed first dimension"
                : "not batched: batching is off");
    return served;
  }

  public int httpPort() {
    return http.port();
  }

  public int grpcPort() {
    return grpc.port();
  }

  public ModelService service() {
    return service;
  }

  /**
   * Drains: readiness turns false, new requests are refused and the listening sockets close,
   * requests in flight finish (up to the drain timeout), then everything stops.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    gate.startDrain();
    http.stopAccepting();
    grpc.stopAccepting();
    log.printf("model server draining: %d request(s) in flight%n", gate.inFlight());
    try {
      if (!gate.awaitIdle(options.drainTimeout())) {
        log.printf(
            "drain timeout of %d s passed with %d request(s) in flight%n",
            options.drainTimeout().toSeconds(), gate.inFlight());
      }
      grpc.awaitTermination(java.time.Duration.ofSeconds(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    grpc.close();
    http.close();
    if (registry != null) {
      registry.close();
    }
    log.println("model server stopped");
  }
}
