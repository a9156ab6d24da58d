package io.capstan.cli.serving;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.queue.ResourceQuantities;
import io.capstan.api.serving.BatchingSpec;
import io.capstan.api.serving.CanarySpec;
import io.capstan.api.serving.ServiceEvent;
import io.capstan.api.serving.ServiceSpec;
import io.capstan.api.serving.ServiceStatus;
import io.capstan.api.serving.ServiceUpdate;
import io.capstan.api.serving.ServiceView;
import io.capstan.api.serving.TrafficRequest;
import io.capstan.api.serving.VersionStatus;
import io.capstan.api.status.Condition;
import io.capstan.cli.CliContext;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.OutputFormat;
import io.capstan.cli.TextTable;
import io.capstan.cli.client.ApiClient;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.type.TypeReference;

/**
 * {@code capstan serve create|list|get|update|traffic|promote|rollback|delete}: inference services
 * that serve registered models over the KServe v2 protocol, with canaries.
 */
@Command(
    name = "serve",
    description = "Serve registered models (KServe v2 over HTTP and gRPC), with canary releases.")
public final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final CliContext context;

  public ServeCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(),
        "Expected one of the subcommands create, list, get, update, traffic, promote, rollback,"
            + " delete");
  }

  /** The {@code -o} flag every subcommand that shows a service takes. */
  static final class Output {
    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description = "json or yaml (default: a human view).")
    OutputFormat format;
  }

  /** Replica and resource flags shared by create and update. */
  static final class Sizing {
    @Option(
        names = "--replicas",
        paramLabel = "N",
        description = "Fixed replica count (min = max = N).")
    Integer replicas;

    @Option(names = "--min", paramLabel = "N", description = "Minimum replicas (autoscaling).")
    Integer min;

    @Option(names = "--max", paramLabel = "N", description = "Maximum replicas (autoscaling).")
    Integer max;

    @Option(names = "--cpu", paramLabel = "CPU", description = "CPU per replica (default 500m).")
    String cpu;

    @Option(
        names = "--memory",
        paramLabel = "MEM",
        description = "Memory per replica (default 1Gi).")
    String memory;

    @Option(names = "--gpu", paramLabel = "N", description = "GPUs per replica (default 0).")
    String gpu;

    @Option(
        names = "--max-batch-size",
        paramLabel = "N",
        description = "Dynamic batching: largest batch (1 turns batching off).")
    Integer maxBatchSize;

    @Option(
        names = "--max-queue-delay-us",
        paramLabel = "US",
        description = "Dynamic batching: how long a request waits for others, in microseconds.")
    Integer maxQueueDelayMicros;

    @Option(
        names = "--target-in-flight",
        paramLabel = "N",
        description = "Autoscaling target: requests in flight per replica (default 8).")
    Integer targetInFlight;

    Integer min() {
      return replicas != null ? replicas : min;
    }

    Integer max() {
      return replicas != null ? replicas : max;
    }

    ResourceQuantities resources() {
      return cpu == null && memory == null && gpu == null
          ? null
          : new ResourceQuantities(cpu, memory, gpu);
    }

    BatchingSpec batching() {
      return maxBatchSize == null && maxQueueDelayMicros == null
          ? null
          : new BatchingSpec(maxBatchSize, maxQueueDelayMicros);
    }
  }

  @Command(
      name = "create",
      description = "Serve a model: capstan serve create NAME --model churn@production.")
  int create(
      @Parameters(paramLabel = "NAME", description = "The service name.") String name,
      @Option(
              names = "--model",
              required = true,
              paramLabel = "REF",
              description = "NAME:VERSION, NAME@ALIAS or NAME@latest.")
          String model,
      @Option(names = "--canary", paramLabel = "REF", description = "A canary version.")
          String canary,
      @Option(
              names = "--canary-percent",
              paramLabel = "P",
              description = "The canary's share, 0 to 100 (0: deployed, no requests).")
          Integer canaryPercent,
      @picocli.CommandLine.ArgGroup(exclusive = false) Sizing sizing,
      @Mixin Output output) {
    Sizing size = sizing == null ? new Sizing() : sizing;
    CanarySpec canarySpec =
        canary == null && canaryPercent == null ? null : new CanarySpec(canary, canaryPercent);
    ServiceSpec body =
        new ServiceSpec(
            name,
            model,
            size.min(),
            size.max(),
            size.resources(),
            size.batching(),
            canarySpec,
            size.targetInFlight);
    String answer = context.client().postJson(path(ApiPaths.SERVICES), body);
    return show(answer, output.format);
  }

  @Command(name = "list", description = "The project's services.")
  int list(@Mixin Output output) {
    String answer = context.client().getText(path(ApiPaths.SERVICES));
    if (output.format == OutputFormat.JSON || output.format == OutputFormat.YAML) {
      context.printAnswer(answer, output.format);
      return ExitCodes.OK;
    }
    List<ServiceView> services =
        context.codec().fromJson(answer, new TypeReference<List<ServiceView>>() {});
    TextTable table =
        new TextTable("NAME", "PHASE", "MODEL", "STABLE", "CANARY", "READY", "REPLICAS");
    for (ServiceView service : services) {
      ServiceStatus status = service.status();
      int ready = status.versions().stream().mapToInt(VersionStatus::readyReplicas).sum();
      table.row(
          service.name(),
          status.phase(),
          service.spec().model(),
          "v" + status.stableVersion(),
          status.canaryVersion() == null
              ? "-"
              : "v" + status.canaryVersion() + " (" + status.canaryPercent() + "%)",
          ready,
          status.desiredReplicas());
    }
    table.print(context.out());
    return ExitCodes.OK;
  }

  @Command(
      name = "get",
      description = "One service: versions, replicas, traffic and request figures.")
  int get(
      @Parameters(paramLabel = "NAME", description = "The service.") String name,
      @Mixin Output output) {
    return show(context.client().getText(service(name, ApiPaths.SERVICE)), output.format);
  }

  @Command(
      name = "update",
      description = "Change the model (rolling update), replicas or resources.")
  int update(
      @Parameters(paramLabel = "NAME", description = "The service.") String name,
      @Option(names = "--model", paramLabel = "REF", description = "A new stable model reference.")
          String model,
      @picocli.CommandLine.ArgGroup(exclusive = false) Sizing sizing,
      @Mixin Output output) {
    Sizing size = sizing == null ? new Sizing() : sizing;
    ServiceUpdate body =
        new ServiceUpdate(
            model, size.min(), size.max(), size.resources(), size.batching(), size.targetInFlight);
    return show(context.client().patch(service(name, ApiPaths.SERVICE), body), output.format);
  }

  @Command(
      name = "traffic",
      description =
          "Send a share of requests to a canary: --canary churn:4 --percent 20; 0 deploys it"
              + " without requests, 100 sends it all. 'rollback' removes it.")
  int traffic(
      @Parameters(paramLabel = "NAME", description = "The service.") String name,
      @Option(names = "--canary", paramLabel = "REF", description = "The canary's model reference.")
          String canary,
      @Option(names = "--percent", required = true, paramLabel = "P", description = "0 to 100.")
          Integer percent,
      @Mixin Output output) {
    String answer =
        context
            .client()
            .put(service(name, ApiPaths.SERVICE_TRAFFIC), new TrafficRequest(canary, percent));
    return show(answer, output.format);
  }

  @Command(name = "promote", description = "Make the canary the stable version.")
  int promote(
      @Parameters(paramLabel = "NAME", description = "The service.") String name,
      @Mixin Output output) {
    return show(context.client().post(service(name, ApiPaths.SERVICE_PROMOTE)), output.format);
  }

  @Command(
      name = "rollback",
      description = "Drop the canary, or return to the previous stable version when there is none.")
  int rollback(
      @Parameters(paramLabel = "NAME", description = "The service.") String name,
      @Mixin Output output) {
    return show(context.client().post(service(name, ApiPaths.SERVICE_ROLLBACK)), output.format);
  }

  @Command(name = "delete", description = "Stop the service's replicas and delete it.")
  int delete(@Parameters(paramLabel = "NAME", description = "The service.") String name) {
    context.client().delete(service(name, ApiPaths.SERVICE));
    context.out().println("service " + name + " deleted");
    return ExitCodes.OK;
  }

  private String path(String template) {
    ApiClient client = context.client();
    return ApiPaths.expand(template, client.connection().project());
  }

  private String service(String name, String template) {
    return ApiPaths.expand(template, context.client().connection().project(), name);
  }

  private int show(String answer, OutputFormat output) {
    if (output == OutputFormat.JSON || output == OutputFormat.YAML) {
      context.printAnswer(answer, output);
      return ExitCodes.OK;
    }
    print(context.codec().fromJson(answer, ServiceView.class));
    return ExitCodes.OK;
  }

  private void print(ServiceView service) {
    ServiceStatus status = service.status();
    ServiceSpec spec = service.spec();
    TextTable fields = new TextTable("Name:", service.name());
    fields.row("Project:", service.project());
    fields.row("Phase:", status.phase());
    if (status.message() != null && !status.message().isBlank()) {
      fields.row("Message:", status.message());
    }
    if (!status.conditions().isEmpty()) {
      fields.row(
          "Conditions:",
          String.join(", ", status.conditions().stream().map(Condition::compact).toList()));
    }
    fields.row("Generation:", generation(service));
    fields.row("Model:", spec.model() + " (stable version " + status.stableVersion() + ")");
    if (status.canaryVersion() != null) {
      fields.row(
          "Canary:",
          spec.canary().model()
              + " (version "
              + status.canaryVersion()
              + ", "
              + status.canaryPercent()
              + "% of requests)");
    }
    if (status.previousVersion() != null) {
      fields.row("Previous:", "version " + status.previousVersion() + " (rollback returns to it)");
    }
    fields.row(
        "Replicas:",
        status.desiredReplicas()
            + " wanted (min "
            + spec.minReplicas()
            + ", max "
            + spec.maxReplicas()
            + ")");
    fields.row("HTTP:", status.httpPath() + "/v2/models/{model}/infer");
    fields.row("gRPC:", status.grpcTarget() + " (metadata capstan-project, capstan-service)");
    fields.print(context.out());
    context.out().println();
    TextTable versions =
        new TextTable("TRACK", "VERSION", "READY", "REQUESTS", "ERRORS", "P50 MS", "P99 MS");
    for (VersionStatus version : status.versions()) {
      versions.row(
          version.track(),
          version.version(),
          version.readyReplicas() + "/" + version.replicas(),
          version.requests(),
          version.errors(),
          millis(version.p50Millis()),
          millis(version.p99Millis()));
    }
    versions.print(context.out());
    for (VersionStatus version : status.versions()) {
      for (String replica : version.replicaJobs()) {
        context.out().println("  " + replica);
      }
    }
    if (!service.events().isEmpty()) {
      context.out().println();
      TextTable events = new TextTable("TIME", "EVENT", "MESSAGE");
      for (ServiceEvent event : service.events()) {
        events.row(event.time(), event.reason(), event.message());
      }
      events.print(context.out());
    }
  }

  /** {@code 4 (acted on)} or {@code 5 (the controller last acted on 4)}. */
  private static String generation(ServiceView service) {
    Long observed = service.status().observedGeneration();
    if (observed == null) {
      return service.generation() + " (not yet acted on by the serving controller)";
    }
    return service.generation()
        + (observed == service.generation()
            ? " (acted on)"
            : " (the serving controller last acted on " + observed + ")");
  }

  private static String millis(Double value) {
    return value == null ? "-" : String.format(Locale.ROOT, "%.2f", value);
  }
}
