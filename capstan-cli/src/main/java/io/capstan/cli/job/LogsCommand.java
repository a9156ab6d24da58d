package io.capstan.cli.job;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.job.LogStream;
import io.capstan.cli.CliContext;
import io.capstan.cli.CliException;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.client.ApiClient;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code capstan logs NAME}: a replica's output, copied to stdout as it arrives. */
@Command(name = "logs", description = "Print a replica's log; -f streams it until the job ends.")
public final class LogsCommand implements Callable<Integer> {
  private static final byte[] REVOKED =
      (LogStream.REVOKED_LINE + "\n").getBytes(StandardCharsets.UTF_8);

  @Parameters(paramLabel = "NAME", description = "The job.")
  String name;

  @Option(
      names = {"-r", "--replica"},
      paramLabel = "REPLICA",
      description = "The replica, e.g. worker-1 (default: the first replica).")
  String replica;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep streaming until the replica ends.")
  boolean follow;

  @Option(names = "--tail", paramLabel = "N", description = "Only the last N lines.")
  Integer tail;

  private final CliContext context;

  public LogsCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    if (tail != null && tail < 0) {
      throw CliException.usage("Expected --tail to be at least 0, but was " + tail);
    }
    ApiClient client = context.client();
    String path = ApiPaths.expand(ApiPaths.JOB_LOGS, client.connection().project(), name);
    LastBytes out = new LastBytes(context.out(), REVOKED.length);
    client.stream(path + query(), out);
    if (out.endsWith(REVOKED)) {
      // The server has already printed why; say it again where scripts look, and exit as a 401.
      throw new CliException(
          ExitCodes.UNAUTHORIZED,
          "Stopped following the log of job '" + name + "': access was revoked");
    }
    return ExitCodes.OK;
  }

  private String query() {
    List<String> parameters = new ArrayList<>();
    if (replica != null) {
      parameters.add("replica=" + URLEncoder.encode(replica, StandardCharsets.UTF_8));
    }
    if (follow) {
      parameters.add("follow=true");
    }
    if (tail != null) {
      parameters.add("tail=" + tail);
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
