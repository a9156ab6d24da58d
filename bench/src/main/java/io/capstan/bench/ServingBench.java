package io.capstan.bench;

import io.capstan.bench.LoadRun.Result;
import io.capstan.serving.ModelServer;
import io.capstan.serving.ServerOptions;
import io.capstan.serving.batching.BatchingOptions;
import io.capstan.serving.grpc.GrpcFrontend;
import io.capstan.serving.grpc.v2.GRPCInferenceServiceGrpc;
import io.capstan.serving.grpc.v2.ModelInferRequest;
import io.capstan.serving.model.ModelSpec;
import io.capstan.serving.model.OnnxModel;
import io.capstan.serving.model.SessionSettings;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The model server against its floor and a baseline, in one run: raw ONNX Runtime in-process (the
 * floor), the same call timed after a loopback round trip (the floor a server meets at concurrency
 * 1), the cheapest Netty server around the model ({@link BareNettyServer}), capstan's model server
 * over HTTP and gRPC on loopback with dynamic batching on and off, and a Python Flask + PyTorch
 * service (bench/python/flask_serving.py), at concurrency 1, 8 and 64, one row per request. Models:
 * the tiny MLP of examples/pytorch-ddp/train.py (trained here), the YAHPO lcbench surrogate from
 * shared/data when present, and a production-size ranking tower ({@link RankerModel}).
 *
 * <p>Run from the repository root (see docs/benchmarks.md): {@code ./mvnw -q -pl bench -am
 * -DskipTests compile exec:java -Dexec.mainClass=io.capstan.bench.ServingBench}.
 */
public final class ServingBench {
  private static final String HTTP = "capstan HTTP/JSON";
  private static final String INFER = "/inference.GRPCInferenceService/ModelInfer";
  private static final String RAW = "raw ONNX Runtime (in-process)";
  private static final String PACED = "raw ONNX Runtime, each call after a loopback round trip";
  private static final String BARE = "bare Netty HTTP/1.1 running the model, fixed answer";

  private final Duration warmUp;
  private final Duration measured;
  private final List<Integer> levels;
  private final List<String> paths;
  private final List<String> batching;
  private final List<GrpcFrontend.Kind> frontends;
  private final Map<String, Map<Integer, Result>> rows = new LinkedHashMap<>();

  private ServingBench(
      Duration warmUp,
      Duration measured,
      List<Integer> levels,
      List<String> paths,
      List<String> batching,
      List<GrpcFrontend.Kind> frontends) {
    this.warmUp = warmUp;
    this.measured = measured;
    this.levels = levels;
    this.paths = paths;
    this.batching = batching;
    this.frontends = frontends;
  }

  /** A gRPC row's path: which frontend answered, with which client. */
  private static String grpcLean(GrpcFrontend.Kind frontend) {
    return "capstan gRPC (" + frontend.flag() + " frontend), lean client";
  }

  private static String grpcStub(GrpcFrontend.Kind frontend) {
    return "capstan gRPC (" + frontend.flag() + " frontend), grpc-java stub";
  }

  /**
   * Options besides the durations select a subset while iterating: {@code --models
   * mlp,lcbench,ranker}, {@code --paths echo,raw,paced,bare,http,grpc,grpc-stub,flask}, {@code
   * --batching on,off}, {@code --levels 1,8,64} (defaults: all), {@code --grpc-frontends
   * netty,grpc-java} (default: netty; every frontend listed gets a server of its own and rows of
   * its own, in the order given; HTTP is measured on the first one's server).
   */
  public static void main(String[] args) throws Exception {
    ServingBench bench =
        new ServingBench(
            Duration.ofMillis(CommandLine.intValue(args, "--warmup-ms", 1000)),
            Duration.ofMillis(CommandLine.intValue(args, "--run-ms", 3000)),
            list(args, "--levels", "1,8,64").stream().map(Integer::valueOf).toList(),
            list(args, "--paths", "echo,raw,paced,bare,http,grpc,grpc-stub,flask"),
            list(args, "--batching", "on,off"),
            list(args, "--grpc-frontends", "netty").stream()
                .map(GrpcFrontend.Kind::parse)
                .toList());
    List<String> models = list(args, "--models", "mlp,lcbench,ranker");
    Path home = TrainedMlp.home();
    Path work = Files.createTempDirectory("capstan-serving-bench");
    TrainedMlp.train(home, work);
    ServingPayload mlp = TrainedMlp.payload();
    bench.warmJvm(mlp, work.resolve("output/model.onnx"));
    if (models.contains("mlp")) {
      bench.model(mlp, work.resolve("output/model.onnx"));
    }
    Path lcbench = models.contains("lcbench") ? LcbenchModel.find() : null;
    if (lcbench != null) {
      bench.model(LcbenchModel.payload(), lcbench);
    } else if (models.contains("lcbench")) {
      System.out.println("(no shared/data/hpo/yahpo/lcbench/model.onnx: no lcbench rows)");
    }
    if (models.contains("ranker")) {
      bench.model(RankerModel.payload(), RankerModel.export(home, work));
    }
    if (bench.paths.contains("flask")) {
      bench.flask(mlp, work.resolve("checkpoints/checkpoint.pt"), home);
    }
    bench.print(models);
  }

  private static List<String> list(String[] args, String name, String fallback) {
    return List.of(CommandLine.value(args, name, fallback).split(","));
  }

  private void model(ServingPayload payload, Path path) throws Exception {
    if (paths.contains("echo")) {
      byte[] body = payload.json();
      try (LoopbackEcho echo = new LoopbackEcho()) {
        measure(
            payload.model() + " | loopback echo of the JSON body (floor) | -",
            () -> {
              try {
                return echo.client(body);
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
      }
    }
    if (paths.contains("raw") || paths.contains("paced") || paths.contains("bare")) {
      try (OnnxModel raw = OnnxModel.load(path, new SessionSettings(1, 1))) {
        if (paths.contains("raw")) {
          measure(
              payload.model() + " | " + RAW + " | -",
              () -> () -> raw.run(payload.inputs(), payload.outputs()));
        }
        if (paths.contains("paced")) {
          paced(payload, raw);
        }
        if (paths.contains("bare")) {
          try (BareNettyServer bare = new BareNettyServer(raw, payload)) {
            byte[] json = payload.json();
            String infer = "/v2/models/" + payload.model() + "/infer";
            measure(
                payload.model() + " | " + BARE + " | -",
                () -> new KeepAliveHttp("127.0.0.1", bare.port(), infer, json)::post);
          }
        }
      }
    }
    for (String mode : batching) {
      for (GrpcFrontend.Kind frontend : frontends) {
        ServerOptions options =
            ServerOptions.of(List.of(new ModelSpec(payload.model(), 1, path)))
                .withBatching(
                    mode.equals("on") ? BatchingOptions.defaults() : BatchingOptions.disabled())
                .withGrpcFrontend(frontend);
        try (ModelServer server =
            ModelServer.start(options, new PrintStream(OutputStream.nullOutputStream()))) {
          servers(payload, mode, frontend, frontend == frontends.get(0), server);
        }
      }
    }
  }

  /** The server's paths; every client thread has its own connection (or channel). */
  private void servers(
      ServingPayload payload,
      String mode,
      GrpcFrontend.Kind frontend,
      boolean withHttp,
      ModelServer server)
      throws Exception {
    String prefix = payload.model() + " | ";
    if (withHttp && paths.contains("http")) {
      byte[] json = payload.json();
      String infer = "/v2/models/" + payload.model() + "/infer";
      measure(
          prefix + HTTP + " | " + mode,
          () -> new KeepAliveHttp("127.0.0.1", server.httpPort(), infer, json)::post);
    }
    ModelInferRequest request = payload.grpc();
    if (paths.contains("grpc")) {
      List<LeanGrpc> clients = new CopyOnWriteArrayList<>();
      try {
        measure(
            prefix + grpcLean(frontend) + " | " + mode,
            () -> {
              LeanGrpc client =
                  new LeanGrpc("127.0.0.1", server.grpcPort(), INFER, request.toByteArray());
              clients.add(client);
              return client::call;
            });
      } finally {
        for (LeanGrpc client : clients) {
          client.close();
        }
      }
    }
    if (paths.contains("grpc-stub")) {
      List<ManagedChannel> channels = new CopyOnWriteArrayList<>();
      try {
        measure(
            prefix + grpcStub(frontend) + " | " + mode,
            () -> {
              ManagedChannel channel =
                  NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                      .usePlaintext()
                      .build();
              channels.add(channel);
              var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
              return () -> stub.modelInfer(request);
            });
      } finally {
        channels.forEach(ManagedChannel::shutdownNow);
      }
    }
  }

  /**
   * The model call alone, timed where a server makes it: each call follows a round trip of the
   * request's bytes over loopback (the wake-up every request pays before its model runs), on one
   * thread, so c=1 only. On a shared VM a call after even a short pause costs several times one
   * made back to back (caches, TLB and predictors have gone cold), which the raw row never sees.
   */
  private void paced(ServingPayload payload, OnnxModel raw) throws Exception {
    if (!levels.contains(1)) {
      return;
    }
    try (LoopbackEcho echo = new LoopbackEcho()) {
      Callable<Void> roundTrip = echo.client(payload.json());
      long start = System.nanoTime() + warmUp.toNanos();
      long end = start + measured.toNanos();
      long[] latencies = new long[1024];
      int n = 0;
      for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
        roundTrip.call();
        long t0 = System.nanoTime();
        raw.run(payload.inputs(), payload.outputs());
        long t1 = System.nanoTime();
        if (t0 >= start) {
          if (n == latencies.length) {
            latencies = Arrays.copyOf(latencies, n * 2);
          }
          latencies[n++] = t1 - t0;
        }
      }
      rows.put(
          payload.model() + " | " + PACED + " | -",
          Map.of(1, LoadRun.result(Arrays.copyOf(latencies, n), Double.NaN)));
    }
    System.out.println("measured " + payload.model() + " | " + PACED);
  }

  /**
   * Runs every Java path once, unmeasured, so the first configuration measured is not the one that
   * pays for class loading and JIT compilation of the HTTP, gRPC and batching code.
   */
  private void warmJvm(ServingPayload payload, Path path) throws Exception {
    Map<String, Map<Integer, Result>> measured = new LinkedHashMap<>(rows);
    model(payload, path);
    rows.clear();
    rows.putAll(measured);
  }

  private void flask(ServingPayload payload, Path checkpoint, Path home) throws Exception {
    Process flask =
        new ProcessBuilder(
                "/usr/bin/python3",
                home.resolve("bench/python/flask_serving.py").toString(),
                "--checkpoint",
                checkpoint.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      String first =
          new BufferedReader(new InputStreamReader(flask.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      if (first == null || !first.startsWith("port=")) {
        throw new IllegalStateException(
            "flask_serving.py did not start (is python3-flask installed?)");
      }
      int port = Integer.parseInt(first.substring("port=".length()));
      byte[] json = payload.json();
      measure(
          payload.model() + " | Python Flask + PyTorch | -",
          () -> new KeepAliveHttp("127.0.0.1", port, "/v2/models/mlp/infer", json)::post);
    } finally {
      flask.destroy();
      flask.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Warms a fresh server's paths (JIT) at c=8 first, so the first measured cell is not cold. */
  private void measure(String label, Supplier<Callable<?>> clients) throws Exception {
    LoadRun.run(8, clients, Duration.ZERO, warmUp.multipliedBy(2));
    Map<Integer, Result> results = new LinkedHashMap<>();
    for (int level : levels) {
      results.put(level, LoadRun.run(level, clients, warmUp, measured));
    }
    rows.put(label, results);
    System.out.println("measured " + label);
  }

  private void print(List<String> models) {
    StringBuilder header = new StringBuilder("| model | path | batching |");
    StringBuilder rule = new StringBuilder("|---|---|---|");
    for (int level : levels) {
      header.append(String.format(" c=%d p50 us | p95 | p99 | req/s |", level));
      rule.append("---:|---:|---:|---:|");
    }
    System.out.println();
    System.out.println(header);
    System.out.println(rule);
    rows.forEach(
        (label, results) -> {
          StringBuilder line = new StringBuilder("| " + label + " |");
          for (int level : levels) {
            Result r = results.get(level);
            line.append(
                r == null
                    ? " - | - | - | - |"
                    : String.format(
                        Locale.ROOT,
                        " %.0f | %.0f | %.0f | %s |",
                        r.p50(),
                        r.p95(),
                        r.p99(),
                        Double.isNaN(r.perSecond())
                            ? "-"
                            : String.format(Locale.ROOT, "%.0f", r.perSecond())));
          }
          System.out.println(line);
        });
    System.out.println();
    System.out.println("| ratio | value | target |");
    System.out.println("|---|---:|---|");
    List<String> servedPaths = new ArrayList<>(List.of(HTTP));
    for (GrpcFrontend.Kind frontend : frontends) {
      servedPaths.add(grpcLean(frontend));
      servedPaths.add(grpcStub(frontend));
    }
    for (String model : models) {
      for (String floor : List.of(RAW, PACED)) {
        String raw = model + " | " + floor + " | -";
        String against = floor.equals(RAW) ? "raw p50" : "raw after a round trip p50";
        for (String mode : batching) {
          for (String path : servedPaths) {
            ratio(
                model + ": " + path + " p50 - " + against + " at c=1, batching " + mode + " (us)",
                get(model + " | " + path + " | " + mode, 1, Result::p50) - get(raw, 1, Result::p50),
                path.equals(HTTP) ? "<= 100" : "<= 60");
          }
        }
      }
      ratio(
          model + ": capstan HTTP/JSON (batching off) p50 - bare Netty p50 at c=1 (us)",
          get(model + " | " + HTTP + " | off", 1, Result::p50)
              - get(model + " | " + BARE + " | -", 1, Result::p50),
          "-");
      for (String path : servedPaths) {
        String on = model + " | " + path + " | on";
        String off = model + " | " + path + " | off";
        ratio(
            model + ": " + path + " c=64 req/s batching on / off",
            get(on, 64, Result::perSecond) / get(off, 64, Result::perSecond),
            ">= 3");
        ratio(
            model + ": " + path + " c=64 p95 batching on / off",
            get(on, 64, Result::p95) / get(off, 64, Result::p95),
            "<= 1");
      }
    }
    for (int level : levels) {
      ratio(
          "mlp: capstan HTTP (batching on) / Flask req/s at c=" + level,
          get("mlp | " + HTTP + " | on", level, Result::perSecond)
              / get("mlp | Python Flask + PyTorch | -", level, Result::perSecond),
          ">= 10");
    }
  }

  /** A figure of a measured cell; NaN (and no ratio printed) when the cell was not measured. */
  private double get(String label, int level, ToDoubleFunction<Result> figure) {
    Map<Integer, Result> results = rows.get(label);
    Result result = results == null ? null : results.get(level);
    return result == null ? Double.NaN : figure.applyAsDouble(result);
  }

  private static void ratio(String what, double value, String target) {
    if (!Double.isNaN(value)) {
      System.out.printf(Locale.ROOT, "| %s | %.2f | %s |%n", what, value, target);
    }
  }
}
