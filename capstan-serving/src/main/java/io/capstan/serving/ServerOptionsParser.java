package io.capstan.serving;

import io.capstan.serving.batching.BatchingOptions;
import io.capstan.serving.grpc.GrpcFrontend;
import io.capstan.serving.model.ModelSpec;
import io.capstan.serving.model.SessionSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code capstan model-server}'s flags ({@code --flag value} or {@code --flag=value}); a bad
 * one is an {@link IllegalArgumentException} whose message names the flag.
 */
public final class ServerOptionsParser {
  static final String USAGE =
      """
      usage: capstan model-server --model NAME[:VERSION]=PATH [--model ...]
        [--host 127.0.0.1] [--http-port 8080] [--grpc-port 8081] [--ports-file FILE]
        [--max-batch-size 32 | --no-batching] [--max-queue-delay-us 500]
        [--preferred-batch-size N ...] [--intra-op-threads 1] [--inter-op-threads 1]
        [--drain-timeout 30] [--max-request-bytes 67108864] [--nio]
        [--grpc-frontend netty|grpc-java]""";

  private ServerOptionsParser() {}

  public static ServerOptions parse(String... args) {
    List<ModelSpec> models = new ArrayList<>();
    List<Integer> preferred = new ArrayList<>();
    String host = "127.0.0.1";
    int httpPort = 8080;
    int grpcPort = 8081;
    Path portsFile = null;
    int maxBatch = BatchingOptions.DEFAULT_MAX_BATCH_SIZE;
    long delay = BatchingOptions.DEFAULT_MAX_QUEUE_DELAY_MICROS;
    int intra = 1;
    int inter = 1;
    long drain = ServerOptions.DEFAULT_DRAIN_TIMEOUT.toSeconds();
    int maxBytes = ServerOptions.DEFAULT_MAX_REQUEST_BYTES;
    boolean noBatching = false;
    boolean nio = false;
    GrpcFrontend.Kind grpcFrontend = GrpcFrontend.Kind.NETTY;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String flag = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        flag = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      if (flag.equals("--no-batching")) {
        noBatching = true;
        continue;
      }
      if (flag.equals("--nio")) {
        nio = true;
        continue;
      }
      if (!flag.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(flag + ": missing value");
        }
        value = args[++i];
      }
      switch (flag) {
        case "--model" -> models.add(model(value));
        case "--host" -> host = nonEmpty(flag, value);
        case "--http-port" -> httpPort = (int) number(flag, value, 0, 65535);
        case "--grpc-port" -> grpcPort = (int) number(flag, value, 0, 65535);
        case "--ports-file" -> portsFile = Path.of(nonEmpty(flag, value));
        case "--max-batch-size" -> maxBatch = (int) number(flag, value, 1, 1 << 20);
        case "--max-queue-delay-us" -> delay = number(flag, value, 0, 60_000_000);
        case "--preferred-batch-size" -> preferred.add((int) number(flag, value, 1, 1 << 20));
        case "--intra-op-threads" -> intra = (int) number(flag, value, 1, 1024);
        case "--inter-op-threads" -> inter = (int) number(flag, value, 1, 1024);
        case "--drain-timeout" -> drain = number(flag, value, 0, 86_400);
        case "--max-request-bytes" -> maxBytes = (int) number(flag, value, 1024, Integer.MAX_VALUE);
        case "--grpc-frontend" -> grpcFrontend = grpcFrontend(flag, value);
        default -> throw new IllegalArgumentException("unknown flag " + flag);
      }
    }
    if (models.isEmpty()) {
      throw new IllegalArgumentException("--model: expected at least one NAME[:VERSION]=PATH");
    }
    BatchingOptions batching =
        noBatching ? BatchingOptions.disabled() : new BatchingOptions(maxBatch, delay, preferred);
    return new ServerOptions(
        models,
        host,
        httpPort,
        grpcPort,
        portsFile,
        batching,
        new SessionSettings(intra, inter),
        Duration.ofSeconds(drain),
        maxBytes,
        nio,
        grpcFrontend,
        ReplicaSecret.fromEnvironment());
  }

  private static GrpcFrontend.Kind grpcFrontend(String flag, String value) {
    try {
      return GrpcFrontend.Kind.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
    }
  }

  private static ModelSpec model(String value) {
    try {
      return ModelSpec.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--model: " + e.getMessage(), e);
    }
  }

  private static String nonEmpty(String flag, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(flag + ": expected a value, but was empty");
    }
    return value;
  }

  private static long number(String flag, String value, long min, long max) {
    long parsed;
    try {
      parsed = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          flag + ": expected an integer, but was '" + value + "'", e);
    }
    if (parsed < min || parsed > max) {
      throw new IllegalArgumentException(
          flag + ": expected a value between " + min + " and " + max + ", but was " + parsed);
    }
    return parsed;
  }
}
