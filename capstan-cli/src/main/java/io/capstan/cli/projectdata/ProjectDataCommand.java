package io.capstan.cli.projectdata;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.cli.CliContext;
import io.capstan.cli.CliException;
import io.capstan.cli.OutputFormat;
import io.capstan.cli.TextTable;
import io.capstan.cli.client.ApiClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code capstan secret|configmap create|replace|list|get|delete}: a project's secrets and config
 * maps (decision 84). One class for both commands, which differ only in their {@link DataKind}.
 * Secret values go to the server and never come back: {@code get} shows keys and sizes.
 */
@Command(name = "data")
public final class ProjectDataCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final CliContext context;
  private final DataKind kind;

  private ProjectDataCommand(CliContext context, DataKind kind) {
    this.context = requireNonNull(context, "context is null");
    this.kind = requireNonNull(kind, "kind is null");
  }

  /** The {@code secret} command. */
  public static CommandLine secrets(CliContext context) {
    return commandLine(
        context,
        DataKind.SECRET,
        "Create, replace, list, inspect and delete the project's secrets (values are write-only:"
            + " get shows keys and sizes).");
  }

  /** The {@code configmap} command. */
  public static CommandLine configMaps(CliContext context) {
    return commandLine(
        context,
        DataKind.CONFIG_MAP,
        "Create, replace, list, inspect and delete the project's config maps.");
  }

  private static CommandLine commandLine(CliContext context, DataKind kind, String description) {
    CommandLine line = new CommandLine(new ProjectDataCommand(context, kind));
    line.getCommandSpec().name(kind.command).usageMessage().description(description);
    return line;
  }

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(), "Expected one of the subcommands create, replace, list, get, delete");
  }

  /** Where the keys and values come from. */
  static final class Sources {
    @Option(
        names = {"-f", "--filename"},
        paramLabel = "FILE",
        description =
            "A Kubernetes Secret or ConfigMap document (YAML or JSON; - for stdin): metadata.name,"
                + " data (base64 in a Secret) and a Secret's stringData.")
    String file;

    @Option(
        names = "--from-literal",
        paramLabel = "KEY=VALUE",
        description = "A key and its value; repeatable.")
    List<String> literals = new ArrayList<>();

    @Option(
        names = "--from-file",
        paramLabel = "[KEY=]PATH",
        description = "A key (default: the file's name) and a file's content; repeatable.")
    List<String> files = new ArrayList<>();
  }

  @Command(
      name = "create",
      description = "Create NAME from literals, files or a Kubernetes document.")
  int create(
      @Parameters(
              paramLabel = "NAME",
              arity = "0..1",
              description = "The name (default with -f: metadata.name).")
          String name,
      @CommandLine.ArgGroup(exclusive = false, multiplicity = "1") Sources sources) {
    ApiClient client = context.client();
    DataSources.Body body = body(name, sources);
    String answer =
        client.postJson(
            ApiPaths.expand(kind.collection, client.connection().project()), body.wire(kind));
    report(answer, "created");
    return 0;
  }

  @Command(
      name = "replace",
      description = "Replace the keys and values of NAME (all of them) from the same sources.")
  int replace(
      @Parameters(
              paramLabel = "NAME",
              arity = "0..1",
              description = "The name (default with -f: metadata.name).")
          String name,
      @CommandLine.ArgGroup(exclusive = false, multiplicity = "1") Sources sources,
      @Option(
              names = "--if-match",
              paramLabel = "N",
              description =
                  "Replace only if it is still at resourceVersion N (as get showed it), else fail"
                      + " with a conflict.")
          Long ifMatch) {
    ApiClient client = context.client();
    DataSources.Body body = body(name, sources);
    String answer =
        client.put(
            ApiPaths.expand(kind.object, client.connection().project(), body.name()),
            body.wire(kind),
            ifMatch);
    report(answer, "replaced");
    return 0;
  }

  @Command(name = "list", description = "The project's objects: name, keys, last change.")
  int list(
      @Option(
              names = {"-o", "--output"},
              paramLabel = "FORMAT",
              description = "json or yaml: the list as the server sent it.")
          OutputFormat output) {
    ApiClient client = context.client();
    String answer = client.getText(ApiPaths.expand(kind.collection, client.connection().project()));
    if (output != null) {
      context.printAnswer(answer, output);
      return 0;
    }
    TextTable table = new TextTable("NAME", "KEYS", "UPDATED", "BY");
    for (JsonNode item : context.codec().tree(answer)) {
      table.row(
          item.path("name").asString(),
          String.join(",", keys(item)),
          item.path("updatedAt").asString(null),
          item.path("updatedBy").asString(null));
    }
    if (table.isEmpty()) {
      context.out().println("No " + kind.command + "s in project " + client.connection().project());
    } else {
      table.print(context.out());
    }
    return 0;
  }

  @Command(
      name = "get",
      description =
          "One object: a secret's keys and the size of each value, a config map's keys and"
              + " values.")
  int get(
      @Parameters(paramLabel = "NAME") String name,
      @Option(
              names = {"-o", "--output"},
              paramLabel = "FORMAT",
              description = "json or yaml: the object as the server sent it.")
          OutputFormat output) {
    ApiClient client = context.client();
    String answer =
        client.getText(ApiPaths.expand(kind.object, client.connection().project(), name));
    if (output != null) {
      context.printAnswer(answer, output);
      return 0;
    }
    JsonNode view = context.codec().tree(answer);
    context.out().println("Name:             " + view.path("name").asString());
    context.out().println("Project:          " + view.path("project").asString());
    context
        .out()
        .println(
            "Updated:          "
                + view.path("updatedAt").asString()
                + " by "
                + view.path("updatedBy").asString());
    context.out().println("Resource version: " + view.path("resourceVersion").asLong());
    if (kind == DataKind.SECRET) {
      TextTable table = new TextTable("KEY", "BYTES");
      view.path("keys").properties().forEach(e -> table.row(e.getKey(), e.getValue().asInt()));
      context.out().println();
      table.print(context.out());
    } else {
      context.out().println();
      context.out().print(context.codec().yaml(view.path("data")));
    }
    return 0;
  }

  @Command(
      name = "delete",
      aliases = {"rm", "del"},
      description = "Delete NAME.")
  int delete(@Parameters(paramLabel = "NAME") String name) {
    ApiClient client = context.client();
    client.delete(ApiPaths.expand(kind.object, client.connection().project(), name));
    context.out().println(kind.command + "/" + name + " deleted");
    return 0;
  }

  private DataSources.Body body(String name, Sources sources) {
    boolean flags = !sources.literals.isEmpty() || !sources.files.isEmpty();
    if (sources.file != null && flags) {
      throw CliException.usage("Expected either -f or --from-literal/--from-file, not both");
    }
    if (sources.file == null) {
      if (name == null) {
        throw CliException.usage("Expected NAME with --from-literal or --from-file");
      }
      return DataSources.fromFlags(kind, name, sources.literals, sources.files);
    }
    DataSources.Body body =
        DataSources.fromDocument(kind, source(sources.file), text(sources.file), context.codec());
    if (name != null && body.name() != null && !name.equals(body.name())) {
      throw CliException.usage(
          "Expected NAME to be metadata.name of "
              + source(sources.file)
              + " ('"
              + body.name()
              + "') or absent, but was '"
              + name
              + "'");
    }
    String effective = name != null ? name : body.name();
    if (effective == null) {
      throw CliException.usage("Expected metadata.name in " + source(sources.file) + " or NAME");
    }
    return new DataSources.Body(effective, body.data(), body.stringData());
  }

  private static String source(String file) {
    return file.equals("-") ? "stdin" : file;
  }

  private String text(String file) {
    try {
      return file.equals("-")
          ? new String(context.in().readAllBytes(), StandardCharsets.UTF_8)
          : Files.readString(Path.of(file));
    } catch (IOException e) {
      throw CliException.usage("Cannot read -f " + file + ": " + e.getMessage());
    }
  }

  private void report(String answer, String verb) {
    JsonNode view = context.codec().tree(answer);
    List<String> keys = keys(view);
    context
        .out()
        .println(
            kind.command
                + "/"
                + view.path("name").asString()
                + " "
                + verb
                + " ("
                + keys.size()
                + (keys.size() == 1 ? " key" : " keys")
                + ", resourceVersion "
                + view.path("resourceVersion").asLong()
                + ")");
  }

  /** The keys of a view: a secret's {@code keys}, a config map's {@code data}. */
  private List<String> keys(JsonNode view) {
    JsonNode map = view.path(kind == DataKind.SECRET ? "keys" : "data");
    List<String> keys = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> fields = map.properties().iterator();
    fields.forEachRemaining(e -> keys.add(e.getKey()));
    return keys;
  }
}
