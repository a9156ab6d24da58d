package io.capstan.cli.notebook;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.notebook.NotebookEvent;
import io.capstan.api.notebook.NotebookLogin;
import io.capstan.api.notebook.NotebookSpec;
import io.capstan.api.notebook.NotebookView;
import io.capstan.cli.CliContext;
import io.capstan.cli.CliException;
import io.capstan.cli.Durations;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.OutputFormat;
import io.capstan.cli.TextTable;
import io.capstan.cli.client.ApiClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * {@code capstan notebook create|list|get|open|stop|start|delete|logs}: Jupyter notebooks of the
 * project with resources, a workspace kept until deletion and idle culling, reached through the
 * control plane.
 */
@Command(
    name = "notebook",
    aliases = "notebooks",
    description =
        "Jupyter notebooks with GPUs and a kept workspace, behind Capstan's login; stopped when"
            + " idle.")
public final class NotebookCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final CliContext context;

  public NotebookCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(),
        "Expected one of the subcommands create, list, get, open, stop, start, delete, logs");
  }

  /** The {@code -o} flag of the subcommands that show a notebook. */
  static final class Output {
    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description = "json or yaml (default: a human view).")
    OutputFormat format;
  }

  @Command(
      name = "create",
      description = "Create a notebook and start it: capstan notebook create lab --gpus 1.")
  int create(
      @Parameters(paramLabel = "NAME", description = "The notebook's name.") String name,
      @Option(names = "--gpus", paramLabel = "N", description = "GPUs (default 0).") Integer gpus,
      @Option(names = "--cpu", paramLabel = "CPU", description = "CPU (default 1).") String cpu,
      @Option(names = "--memory", paramLabel = "MEM", description = "Memory (default 2Gi).")
          String memory,
      @Option(
              names = {"--image", "--env"},
              paramLabel = "IMAGE",
              description =
                  "The environment: an image of 'capstan env' (default pytorch/pytorch:latest).")
          String image,
      @Option(
              names = "--cull-after",
              paramLabel = "TIME",
              description =
                  "Stop it after this long idle (30m, 2h; 'off': never). Default: the project's.")
          String cullAfter,
      @Option(
              names = "--data",
              paramLabel = "DATASET",
              description =
                  "A dataset version mounted read-only: [PROJECT/]NAME@VERSION[:PATH] (default"
                      + " path /datasets/NAME); repeat for more.")
          List<String> datasets,
      @Mixin Output output) {
    NotebookSpec body =
        new NotebookSpec(
            name,
            image,
            gpus,
            cpu,
            memory,
            cullSeconds(cullAfter),
            datasets == null ? List.of() : datasets);
    return show(context.client().postJson(path(ApiPaths.NOTEBOOKS), body), output.format);
  }

  @Command(name = "list", description = "The project's notebooks.")
  int list(@Mixin Output output) {
    String answer = context.client().getText(path(ApiPaths.NOTEBOOKS));
    if (output.format == OutputFormat.JSON || output.format == OutputFormat.YAML) {
      context.printAnswer(answer, output.format);
      return ExitCodes.OK;
    }
    List<NotebookView> notebooks =
        context.codec().fromJson(answer, new TypeReference<List<NotebookView>>() {});
    TextTable table = new TextTable("NAME", "PHASE", "GPUS", "CPU", "MEMORY", "CULL AFTER", "AGE");
    for (NotebookView notebook : notebooks) {
      table.row(
          notebook.name(),
          notebook.phase().wireName(),
          notebook.spec().gpus(),
          notebook.spec().cpu(),
          notebook.spec().memory(),
          cullText(notebook.cullAfterSeconds()),
          Durations.age(Duration.between(notebook.createdAt(), context.clock().instant())));
    }
    if (table.isEmpty()) {
      context.out().println("No notebooks in project " + context.client().connection().project());
    } else {
      table.print(context.out());
    }
    return ExitCodes.OK;
  }

  @Command(name = "get", description = "One notebook: phase, why it waits or stopped, events.")
  int get(@Parameters(paramLabel = "NAME") String name, @Mixin Output output) {
    return show(context.client().getText(notebook(name, ApiPaths.NOTEBOOK)), output.format);
  }

  @Command(
      name = "open",
      description =
          "Print a one-time login link to the notebook (good for 2 minutes): open it in a browser.")
  int open(@Parameters(paramLabel = "NAME") String name) {
    ApiClient client = context.client();
    NotebookView notebook = client.get(notebook(name, ApiPaths.NOTEBOOK), NotebookView.class);
    NotebookLogin login =
        client.post(notebook(name, ApiPaths.NOTEBOOK_LOGIN), null, NotebookLogin.class);
    if (!notebook.phase().wireName().equals("Running")) {
      context
          .err()
          .println(
              "Notebook "
                  + name
                  + " is "
                  + notebook.phase().wireName()
                  + (notebook.message() == null ? "" : ": " + notebook.message())
                  + "; the link works once it is Running.");
    }
    context.out().println(login.url());
    context
        .err()
        .println(
            "Open the link above in a browser before "
                + login.expiresAt()
                + " (once); it signs you in and opens Jupyter.");
    return ExitCodes.OK;
  }

  @Command(name = "stop", description = "Stop the notebook's server; the workspace is kept.")
  int stop(@Parameters(paramLabel = "NAME") String name, @Mixin Output output) {
    return show(context.client().post(notebook(name, ApiPaths.NOTEBOOK_STOP)), output.format);
  }

  @Command(name = "start", description = "Start a stopped notebook again, with its workspace.")
  int start(@Parameters(paramLabel = "NAME") String name, @Mixin Output output) {
    return show(context.client().post(notebook(name, ApiPaths.NOTEBOOK_START)), output.format);
  }

  @Command(name = "delete", description = "Delete the notebook and its workspace.")
  int delete(@Parameters(paramLabel = "NAME") String name) {
    context.client().delete(notebook(name, ApiPaths.NOTEBOOK));
    context.out().println("notebook " + name + " deleted (with its workspace)");
    return ExitCodes.OK;
  }

  @Command(name = "logs", description = "The log of the notebook's Jupyter server.")
  int logs(
      @Parameters(paramLabel = "NAME") String name,
      @Option(
              names = {"-f", "--follow"},
              description = "Keep streaming until the server stops.")
          boolean follow,
      @Option(names = "--tail", paramLabel = "N", description = "Only the last N lines.")
          Integer tail) {
    ApiClient client = context.client();
    NotebookView notebook = client.get(notebook(name, ApiPaths.NOTEBOOK), NotebookView.class);
    if (notebook.job() == null) {
      throw new CliException(ExitCodes.NOT_FOUND, "Notebook '" + name + "' has no server yet");
    }
    List<String> query = new ArrayList<>();
    if (follow) {
      query.add("follow=true");
    }
    if (tail != null) {
      query.add("tail=" + tail);
    }
    String path =
        ApiPaths.expand(ApiPaths.JOB_LOGS, client.connection().project(), notebook.job())
            + (query.isEmpty() ? "" : "?" + String.join("&", query));
    client.stream(path, context.out());
    return ExitCodes.OK;
  }

  private int show(String answer, OutputFormat format) {
    if (format == OutputFormat.JSON || format == OutputFormat.YAML) {
      context.printAnswer(answer, format);
      return ExitCodes.OK;
    }
    NotebookView notebook = context.codec().fromJson(answer, NotebookView.class);
    context.out().println("Name:        " + notebook.name());
    context.out().println("Project:     " + notebook.project());
    context
        .out()
        .println(
            "Phase:       "
                + notebook.phase().wireName()
                + (notebook.reason() == null ? "" : " (" + notebook.reason() + ")"));
    if (notebook.message() != null) {
      context.out().println("Message:     " + notebook.message());
    }
    context
        .out()
        .println(
            "Resources:   gpus="
                + notebook.spec().gpus()
                + " cpu="
                + notebook.spec().cpu()
                + " memory="
                + notebook.spec().memory());
    context.out().println("Environment: " + notebook.spec().image());
    context.out().println("Workspace:   volume " + notebook.workspace());
    context.out().println("Cull after:  " + cullText(notebook.cullAfterSeconds()));
    context
        .out()
        .println(
            "Path:        "
                + notebook.path()
                + "  (capstan notebook open "
                + notebook.name()
                + ")");
    if (notebook.job() != null) {
      context.out().println("Server:      workload " + notebook.job());
    }
    if (!notebook.events().isEmpty()) {
      context.out().println("Events:");
      for (NotebookEvent event : notebook.events()) {
        context.out().println("  " + event.time() + "  " + event.reason() + "  " + event.message());
      }
    }
    return ExitCodes.OK;
  }

  private static Long cullSeconds(String text) {
    if (text == null) {
      return null;
    }
    if (text.equalsIgnoreCase("off") || text.equalsIgnoreCase("never")) {
      return 0L;
    }
    try {
      return Durations.parse(text).toSeconds();
    } catch (IllegalArgumentException e) {
      throw CliException.usage(
          "Expected --cull-after to be a duration or 'off': " + e.getMessage());
    }
  }

  private static String cullText(long seconds) {
    return seconds == 0 ? "off" : Durations.format(Duration.ofSeconds(seconds));
  }

  private String path(String template) {
    return ApiPaths.expand(template, context.client().connection().project());
  }

  private String notebook(String name, String template) {
    return ApiPaths.expand(template, context.client().connection().project(), name);
  }
}
