package io.capstan.cli.queue;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.queue.QueueView;
import io.capstan.api.queue.QuotaSpec;
import io.capstan.api.queue.ResourceQuantities;
import io.capstan.cli.CliContext;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.OutputFormat;
import io.capstan.cli.TextTable;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.type.TypeReference;

/** {@code capstan queue list|get|set-quota}: each project's queue, quota and usage. */
@Command(name = "queue", description = "Show queues (one per project) and set their quotas.")
public final class QueueCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final CliContext context;

  public QueueCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(), "Expected one of the subcommands list, get, set-quota");
  }

  @Command(name = "list", description = "Queues you can see: quota, usage, running and pending.")
  int list(
      @Option(
              names = {"-o", "--output"},
              paramLabel = "FORMAT",
              description = "json or yaml (default: a table).")
          OutputFormat output) {
    String answer = context.client().getText(ApiPaths.QUEUES);
    if (output == OutputFormat.JSON || output == OutputFormat.YAML) {
      context.printAnswer(answer, output);
      return ExitCodes.OK;
    }
    List<QueueView> queues =
        context.codec().fromJson(answer, new TypeReference<List<QueueView>>() {});
    TextTable table =
        new TextTable(
            "QUEUE", "GPU (USED/NOMINAL)", "CPU", "MEMORY", "RUNNING", "PENDING", "POLICY");
    for (QueueView queue : queues) {
      ResourceQuantities nominal = queue.quota().nominal();
      ResourceQuantities used = queue.usage();
      table.row(
          queue.project(),
          used.gpu() + "/" + nominal.gpu(),
          used.cpu() + "/" + nominal.cpu(),
          used.memory() + "/" + nominal.memory(),
          queue.running(),
          queue.pending(),
          queue.quota().policy());
    }
    table.print(context.out());
    return ExitCodes.OK;
  }

  @Command(name = "get", description = "One project's queue: quota, limits and usage.")
  int get(
      @Parameters(paramLabel = "PROJECT", description = "The project.") String project,
      @Option(
              names = {"-o", "--output"},
              paramLabel = "FORMAT",
              description = "json or yaml (default: a human view).")
          OutputFormat output) {
    String answer = context.client().getText(ApiPaths.expand(ApiPaths.PROJECT_QUOTA, project));
    if (output == OutputFormat.JSON || output == OutputFormat.YAML) {
      context.printAnswer(answer, output);
      return ExitCodes.OK;
    }
    print(context.codec().fromJson(answer, QueueView.class));
    return ExitCodes.OK;
  }

  @Command(
      name = "set-quota",
      description =
          "Set a project's quota (installation admins). Nominal is guaranteed; the project may"
              + " borrow up to --borrow-* more from others' unused quota and lends at most"
              + " --lend-* of its own.")
  int setQuota(
      @Parameters(paramLabel = "PROJECT", description = "The project.") String project,
      @Option(names = "--gpu", paramLabel = "N", description = "Nominal GPUs (e.g. 4 or 0.5).")
          String gpu,
      @Option(names = "--cpu", paramLabel = "CPU", description = "Nominal CPU (e.g. 16).")
          String cpu,
      @Option(names = "--memory", paramLabel = "MEM", description = "Nominal memory (e.g. 64Gi).")
          String memory,
      @Option(names = "--borrow-gpu", paramLabel = "N", description = "GPU borrowing limit.")
          String borrowGpu,
      @Option(names = "--lend-gpu", paramLabel = "N", description = "GPU lending limit.")
          String lendGpu,
      @Option(names = "--weight", paramLabel = "W", description = "Fair-share weight (1).")
          Integer weight,
      @Option(names = "--policy", paramLabel = "POLICY", description = "LAS (default) or FIFO.")
          String policy) {
    QuotaSpec quota =
        new QuotaSpec(
            new ResourceQuantities(cpu, memory, gpu),
            borrowGpu == null ? null : new ResourceQuantities(null, null, borrowGpu),
            lendGpu == null ? null : new ResourceQuantities(null, null, lendGpu),
            weight,
            policy);
    String answer = context.client().put(ApiPaths.expand(ApiPaths.PROJECT_QUOTA, project), quota);
    print(context.codec().fromJson(answer, QueueView.class));
    return ExitCodes.OK;
  }

  private void print(QueueView queue) {
    QuotaSpec quota = queue.quota();
    TextTable fields = new TextTable("Queue:", queue.project());
    fields.row("Policy:", quota.policy());
    fields.row("Weight:", quota.weight());
    fields.row("Nominal:", text(quota.nominal()));
    fields.row(
        "Borrowing limit:",
        quota.borrowingLimit() == null ? "unlimited" : text(quota.borrowingLimit()));
    fields.row(
        "Lending limit:",
        quota.lendingLimit() == null ? "all of nominal" : text(quota.lendingLimit()));
    fields.row("Used:", text(queue.usage()));
    fields.row("Jobs:", queue.running() + " running, " + queue.pending() + " pending");
    fields.print(context.out());
  }

  private static String text(ResourceQuantities q) {
    return "gpu=" + q.gpu() + " cpu=" + q.cpu() + " memory=" + q.memory();
  }
}
