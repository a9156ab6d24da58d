package io.capstan.cli.model;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.error.CapstanException;
import io.capstan.api.model.AliasRequest;
import io.capstan.api.model.AliasView;
import io.capstan.api.model.ModelRef;
import io.capstan.api.model.ModelVersionView;
import io.capstan.api.model.ModelView;
import io.capstan.api.model.RegisterFromJobRequest;
import io.capstan.cli.CliContext;
import io.capstan.cli.CliException;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.OutputFormat;
import io.capstan.cli.TextTable;
import io.capstan.cli.client.ApiClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.type.TypeReference;

/** {@code capstan model register|list|get|alias|delete}: the model registry of a project. */
@Command(
    name = "model",
    description = "Register model versions, list and inspect them, move aliases, delete.")
public final class ModelCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final CliContext context;

  public ModelCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(), "Expected one of the subcommands register, list, get, alias, delete");
  }

  /** Where the model file comes from: a local file, or a job's output. */
  static final class Source {
    @Option(
        names = "--file",
        paramLabel = "FILE",
        required = true,
        description = "A local ONNX file, uploaded streaming.")
    Path file;

    @Option(
        names = "--from-job",
        paramLabel = "JOB",
        required = true,
        description = "A succeeded job of the project whose output holds the model.")
    String job;
  }

  @Command(
      name = "register",
      description =
          "Register a new version of NAME (numbered 1, 2, ...; the model is created on"
              + " its first version).")
  int register(
      @Parameters(paramLabel = "NAME", description = "The model.") String name,
      @ArgGroup(multiplicity = "1") Source source,
      @Option(
              names = "--path",
              paramLabel = "PATH",
              description =
                  "With --from-job: the file in the job's output directory (default"
                      + " model.onnx).")
          String path,
      @Option(names = "--metric", paramLabel = "KEY=NUMBER", description = "A metric (repeat).")
          List<String> metrics,
      @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "A tag (repeat).")
          List<String> tags,
      @Option(names = "--description", paramLabel = "TEXT", description = "Free text.")
          String description,
      @Option(
              names = {"-o", "--output"},
              paramLabel = "FORMAT",
              description = "json or yaml: the new version as the server sent it.")
          OutputFormat output) {
    checked(() -> ModelRef.checkName(name, "NAME"));
    Map<String, Double> metricValues = metrics(metrics);
    Map<String, String> tagValues = pairs("--tag", tags);
    ApiClient client = context.client();
    String project = client.connection().project();
    String answer;
    if (source.file != null) {
      if (path != null) {
        throw CliException.usage("--path goes with --from-job; --file names the file itself");
      }
      if (!Files.isRegularFile(source.file)) {
        throw CliException.usage(
            "Expected --file to be a readable file, but " + source.file + " is not one");
      }
      answer =
          client.upload(
              ApiPaths.expand(ApiPaths.MODEL_VERSIONS, project, name)
                  + query(description, metricValues, tagValues),
              source.file);
    } else {
      answer =
          client.postForText(
              ApiPaths.expand(ApiPaths.MODEL_VERSIONS_FROM_JOB, project, name),
              new RegisterFromJobRequest(source.job, path, description, metricValues, tagValues));
    }
    if (output != null) {
      context.printAnswer(answer, output);
    } else {
      ModelVersionView version = context.codec().fromJson(answer, ModelVersionView.class);
      context.out().println("Registered " + version.model() + ":" + version.version());
    }
    return ExitCodes.OK;
  }

  @Command(name = "list", description = "The project's models: latest version, count, aliases.")
  int list(
      @Option(
              names = {"-o", "--output"},
              paramLabel = "FORMAT",
              description = "json or yaml (default: a table).")
          OutputFormat output) {
    ApiClient client = context.client();
    String answer = client.getText(ApiPaths.expand(ApiPaths.MODELS, client.connection().project()));
    if (output != null) {
      context.printAnswer(answer, output);
      return ExitCodes.OK;
    }
    List<ModelView> models =
        context.codec().fromJson(answer, new TypeReference<List<ModelView>>() {});
    TextTable table = new TextTable("NAME", "LATEST", "VERSIONS", "ALIASES", "CREATED");
    for (ModelView model : models) {
      table.row(
          model.name(),
          model.latestVersion(),
          model.versions(),
          ModelText.aliases(model.aliases()),
          ModelText.time(model.createdAt(), context.clock()));
    }
    table.print(context.out());
    return ExitCodes.OK;
  }

  @Command(
      name = "get",
      description =
          "NAME: the model and its versions; NAME:VERSION or NAME@ALIAS (@latest is the"
              + " newest): one version with its signature, metrics, lineage and aliases.")
  int get(
      @Parameters(paramLabel = "NAME[:VERSION|@ALIAS]", description = "The model or version.")
          String reference,
      @Option(
              names = {"-o", "--output"},
              paramLabel = "FORMAT",
              description = "json or yaml: as the server sent it (default: a human view).")
          OutputFormat output) {
    ApiClient client = context.client();
    String project = client.connection().project();
    if (reference.indexOf(':') < 0 && reference.indexOf('@') < 0) {
      checked(() -> ModelRef.checkName(reference, "NAME"));
      String model = client.getText(ApiPaths.expand(ApiPaths.MODEL, project, reference));
      String versions =
          client.getText(ApiPaths.expand(ApiPaths.MODEL_VERSIONS, project, reference));
      if (output != null) {
        context.printAnswer(versions, output);
        return ExitCodes.OK;
      }
      ModelText.describe(
          context.codec().fromJson(model, ModelView.class),
          context.codec().fromJson(versions, new TypeReference<List<ModelVersionView>>() {}),
          context.out(),
          context.clock());
      return ExitCodes.OK;
    }
    ModelRef ref = checked(() -> ModelRef.parse(reference, "NAME[:VERSION|@ALIAS]"));
    String answer = client.getText(versionPath(project, ref));
    if (output != null) {
      context.printAnswer(answer, output);
    } else {
      ModelText.describe(
          context.codec().fromJson(answer, ModelVersionView.class), context.out(), context.clock());
    }
    return ExitCodes.OK;
  }

  @Command(
      name = "alias",
      description =
          "Point NAME@ALIAS at VERSION (an existing alias moves), or delete it with"
              + " --delete. @latest always means the newest version and cannot be set.")
  int alias(
      @Parameters(index = "0", paramLabel = "NAME@ALIAS", description = "The alias.")
          String reference,
      @Parameters(
              index = "1",
              arity = "0..1",
              paramLabel = "VERSION",
              description = "The version number it is to point at.")
          String version,
      @Option(names = "--delete", description = "Delete the alias instead.") boolean delete) {
    ModelRef ref = checked(() -> ModelRef.parse(reference, "NAME@ALIAS"));
    if (ref.alias() == null) {
      throw CliException.usage(
          "Expected NAME@ALIAS (e.g. churn@production), but was '" + reference + "'");
    }
    checked(() -> ModelRef.checkAlias(ref.alias(), "NAME@ALIAS", false));
    ApiClient client = context.client();
    String path =
        ApiPaths.expand(
            ApiPaths.MODEL_ALIAS, client.connection().project(), ref.model(), ref.alias());
    if (delete) {
      if (version != null) {
        throw CliException.usage("Expected either VERSION or --delete, not both");
      }
      client.delete(path);
      context.out().println("Deleted alias " + ref);
      return ExitCodes.OK;
    }
    if (version == null) {
      throw CliException.usage("Expected the VERSION that " + ref + " is to point at");
    }
    int number = checked(() -> ModelRef.parseVersion(version, "VERSION"));
    AliasView set =
        context.codec().fromJson(client.put(path, new AliasRequest(number)), AliasView.class);
    context.out().println(set.model() + "@" + set.alias() + " -> version " + set.version());
    return ExitCodes.OK;
  }

  @Command(
      name = "delete",
      description =
          "Delete NAME:VERSION (its aliases and file go with it), or a whole model with"
              + " --all-versions.")
  int delete(
      @Parameters(paramLabel = "NAME:VERSION", description = "The version, or NAME alone.")
          String reference,
      @Option(names = "--all-versions", description = "Delete the model NAME with every version.")
          boolean allVersions) {
    ApiClient client = context.client();
    String project = client.connection().project();
    if (allVersions) {
      checked(() -> ModelRef.checkName(reference, "NAME"));
      client.delete(ApiPaths.expand(ApiPaths.MODEL, project, reference));
      context.out().println("Deleted model " + reference);
      return ExitCodes.OK;
    }
    ModelRef ref = checked(() -> ModelRef.parse(reference, "NAME:VERSION"));
    if (ref.version() == null) {
      throw CliException.usage(
          "Expected NAME:VERSION (a number, not an alias), but was '" + reference + "'");
    }
    client.delete(versionPath(project, ref));
    context.out().println("Deleted " + ref);
    return ExitCodes.OK;
  }

  private static String versionPath(String project, ModelRef ref) {
    return ApiPaths.expand(
        ApiPaths.MODEL_VERSION,
        project,
        ref.model(),
        ref.version() != null ? ref.version().toString() : "@" + ref.alias());
  }

  private static String query(
      String description, Map<String, Double> metrics, Map<String, String> tags) {
    List<String> params = new ArrayList<>();
    if (description != null) {
      params.add("description=" + encode(description));
    }
    metrics.forEach((k, v) -> params.add("metric=" + encode(k + "=" + v)));
    tags.forEach((k, v) -> params.add("tag=" + encode(k + "=" + v)));
    return params.isEmpty() ? "" : "?" + String.join("&", params);
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static Map<String, Double> metrics(List<String> texts) {
    Map<String, Double> values = new LinkedHashMap<>();
    pairs("--metric", texts)
        .forEach(
            (key, value) -> {
              try {
                values.put(key, Double.valueOf(value));
              } catch (NumberFormatException e) {
                throw new CliException(
                    ExitCodes.USAGE,
                    "Expected --metric " + key + " to be a number, but was '" + value + "'",
                    e);
              }
            });
    return values;
  }

  private static Map<String, String> pairs(String option, List<String> texts) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String text : texts == null ? List.<String>of() : texts) {
      int eq = text.indexOf('=');
      if (eq <= 0) {
        throw CliException.usage("Expected " + option + " KEY=VALUE, but was '" + text + "'");
      }
      values.put(text.substring(0, eq), text.substring(eq + 1));
    }
    return values;
  }

  /** Runs a shared validator; its error becomes a usage error naming the argument. */
  private static <T> T checked(java.util.function.Supplier<T> validation) {
    try {
      return validation.get();
    } catch (CapstanException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage(), e.field(), e);
    }
  }
}
