package io.capstan.cli.job;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.job.JobView;
import io.capstan.api.job.LogStream;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.cli.CliContext;
import io.capstan.cli.CliException;
import io.capstan.cli.Durations;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.client.ApiClient;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code capstan logs NAME}: a replica's output, or every replica's with each line prefixed by the
 * replica's name, copied to stdout as it arrives.
 */
@Command(
    name = "logs",
    description =
        "Print a job's logs: with --replica that replica's, otherwise every replica's in rank order,"
            + " each line prefixed 'REPLICA | ' (a job of one replica prints its log as it is);"
            + " -f streams them all at once until the job ends.")
public final class LogsCommand implements Callable<Integer> {
  private static final byte[] REVOKED =
      (LogStream.REVOKED_LINE + "\n").getBytes(StandardCharsets.UTF_8);

  @Parameters(paramLabel = "NAME", description = "The job.")
  String name;

  @Option(
      names = {"-r", "--replica"},
      paramLabel = "REPLICA",
      description = "Only this replica, e.g. worker-1 (default: every replica).")
  String replica;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep streaming until the job ends.")
  boolean follow;

  @Option(names = "--tail", paramLabel = "N", description = "Only the last N lines (per replica).")
  Integer tail;

  @Option(
      names = "--since",
      paramLabel = "DURATION|TIME",
      description =
          "Only lines archived in the last DURATION (e.g. 10m, 2h) or since TIME (ISO-8601, e.g."
              + " 2026-01-02T03:04:05Z). A line's time is when the server archived it, within"
              + " about a second of its writing.")
  String since;

  @Option(
      names = "--timestamps",
      description =
          "Start each line with the time the server archived it (UTC, milliseconds; within about"
              + " a second of its writing).")
  boolean timestamps;

  /** {@code --since} as the query parameter the API takes, set by {@link #check}. */
  private String sinceParameter;

  private final CliContext context;

  public LogsCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    check();
    ApiClient client = context.client();
    String project = client.connection().project();
    List<String> replicas =
        replica != null
            ? List.of()
            : replicas(client.get(ApiPaths.expand(ApiPaths.JOB, project, name), JobView.class));
    String path = ApiPaths.expand(ApiPaths.JOB_LOGS, project, name);
    boolean revoked =
        replicas.size() < 2
            ? copy(client, path + query(replica), context.out())
            : prefixed(client, path, replicas);
    if (revoked) {
      // The server has already printed why; say it again where scripts look, and exit as a 401.
      throw new CliException(
          ExitCodes.UNAUTHORIZED,
          "Stopped following the log of job '" + name + "': access was revoked");
    }
    return ExitCodes.OK;
  }

  private void check() {
    if (tail != null && tail < 0) {
      throw CliException.usage("Expected --tail to be at least 0, but was " + tail);
    }
    if (since != null) {
      sinceParameter = sinceParameter(since);
    }
  }

  /** {@code sinceSeconds=N} for a duration, {@code sinceTime=INSTANT} for a time. */
  private static String sinceParameter(String since) {
    try {
      Duration duration = Durations.parse(since);
      if (duration.isNegative() || duration.toSeconds() < 1) {
        throw CliException.usage("Expected --since to be at least 1s, but was " + since);
      }
      return "sinceSeconds=" + duration.toSeconds();
    } catch (IllegalArgumentException notADuration) {
      try {
        return "sinceTime=" + OffsetDateTime.parse(since).toInstant();
      } catch (DateTimeParseException e) {
        throw CliException.usage(
            "Expected --since to be a duration such as 10m or 2h, or a time such as"
                + " 2026-01-02T03:04:05Z, but was '"
                + since
                + "'");
      }
    }
  }

  /** The job's replica names in rank order (its replica groups' order). */
  private static List<String> replicas(JobView job) {
    List<String> names = new ArrayList<>();
    if (job.spec() != null) {
      for (ReplicaGroupSpec group : job.spec().replicaGroups()) {
        for (int i = 0; i < group.count(); i++) {
          names.add(group.replicaName(i));
        }
      }
    }
    return names;
  }

  /** Copies one log stream to {@code out}; whether it ended because access was revoked. */
  private static boolean copy(ApiClient client, String path, OutputStream out) {
    LastBytes tracked = new LastBytes(out, REVOKED.length);
    client.stream(path, tracked);
    return tracked.endsWith(REVOKED);
  }

  /**
   * Every replica's log with its prefix: one after another in rank order, or, when following, all
   * at once, one stream per replica. The first failure is thrown once every stream has ended.
   */
  private boolean prefixed(ApiClient client, String path, List<String> replicas) {
    Object lock = new Object();
    List<Callable<Boolean>> copies = new ArrayList<>();
    for (String replicaName : replicas) {
      copies.add(
          () -> {
            try (PrefixedLines out = new PrefixedLines(context.out(), lock, replicaName)) {
              return copy(client, path + query(replicaName), out);
            }
          });
    }
    if (!follow) {
      boolean revoked = false;
      for (Callable<Boolean> copy : copies) {
        revoked |= call(copy);
      }
      return revoked;
    }
    ExecutorService streams = Executors.newFixedThreadPool(replicas.size());
    try {
      List<Future<Boolean>> running = new ArrayList<>();
      for (Callable<Boolean> copy : copies) {
        running.add(streams.submit(copy));
      }
      boolean revoked = false;
      RuntimeException failure = null;
      for (Future<Boolean> stream : running) {
        try {
          revoked |= stream.get();
        } catch (ExecutionException e) {
          failure = failure == null ? unchecked(e.getCause()) : failure;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CliException(ExitCodes.ERROR, "Interrupted while following the logs", e);
        }
      }
      if (failure != null) {
        throw failure;
      }
      return revoked;
    } finally {
      streams.shutdownNow();
    }
  }

  private static boolean call(Callable<Boolean> copy) {
    try {
      return copy.call();
    } catch (Exception e) {
      throw unchecked(e);
    }
  }

  private static RuntimeException unchecked(Throwable e) {
    if (e instanceof RuntimeException runtime) {
      return runtime;
    }
    return new CliException(ExitCodes.ERROR, "Cannot print the logs: " + e, e);
  }

  private String query(String replicaName) {
    List<String> parameters = new ArrayList<>();
    if (replicaName != null) {
      parameters.add("replica=" + URLEncoder.encode(replicaName, StandardCharsets.UTF_8));
    }
    if (follow) {
      parameters.add("follow=true");
    }
    if (tail != null) {
      parameters.add("tail=" + tail);
    }
    if (sinceParameter != null) {
      parameters.add(URLEncoder.encode(sinceParameter, StandardCharsets.UTF_8).replace("%3D", "="));
    }
    if (timestamps) {
      parameters.add("timestamps=true");
    }
    return parameters.isEmpty() ? "" : "?" + String.join("&", parameters);
  }

  /** Passes bytes through and remembers the last few (a ring), to see how a stream ended. */
  private static final class LastBytes extends FilterOutputStream {
    private final byte[] ring;
    private int next;
    private long written;

    LastBytes(OutputStream out, int keep) {
      super(out);
      this.ring = new byte[keep];
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      remember((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length);
      int from = Math.max(offset, offset + length - ring.length);
      for (int i = from; i < offset + length; i++) {
        remember(bytes[i]);
      }
      written += from - offset;
    }

    private void remember(byte b) {
      ring[next] = b;
      next = (next + 1) % ring.length;
      written++;
    }

    boolean endsWith(byte[] suffix) {
      if (suffix.length != ring.length || written < ring.length) {
        return false;
      }
      for (int i = 0; i < ring.length; i++) {
        if (ring[(next + i) % ring.length] != suffix[i]) {
          return false;
        }
      }
      return true;
    }
  }
}
