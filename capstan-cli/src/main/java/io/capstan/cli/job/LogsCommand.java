package io.capstan.cli.job;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.cli.CliContext;
import io.capstan.cli.CliException;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.client.ApiClient;
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
    client.stream(path + query(), context.out());
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
}
