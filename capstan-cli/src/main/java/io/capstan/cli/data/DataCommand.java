package io.capstan.cli.data;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.dataset.DatasetImportRequest;
import io.capstan.api.dataset.DatasetShareRequest;
import io.capstan.api.dataset.DatasetVersionView;
import io.capstan.api.dataset.DatasetView;
import io.capstan.api.job.Quantities;
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
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.type.TypeReference;

/**
 * {@code capstan data create|list|get|versions|share|delete}: the project's datasets (decision 95),
 * versioned and read-only, which jobs mount with {@code --data NAME@VERSION[:PATH]}. {@code list}
 * shows the project's volumes too (what {@code --data NAME:PATH} mounts), and {@code delete NAME}
 * deletes the volume of that name when there is no such dataset, so the verbs this command had for
 * volumes keep working; {@code capstan volume} has them alone.
 */
@Command(
    name = "data",
    description =
        "The project's datasets (versioned, read-only; jobs mount them with --data"
            + " NAME@VERSION[:PATH]) and volumes.")
public final class DataCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final CliContext context;

  public DataCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(),
        "Expected one of the subcommands create, list, get, versions, share, delete");
  }

  @Command(
      name = "create",
      description =
          "Store a new version of a dataset (the first creates it) from a folder, an S3 prefix or"
              + " a succeeded job's outputs.")
  int create(
      @Parameters(paramLabel = "NAME", description = "The dataset.") String name,
      @Option(
              names = "--from",
              paramLabel = "DIR|s3://BUCKET/PREFIX",
              description = "A local folder (uploaded as a tar stream) or an S3 prefix.")
          String from,
      @Option(names = "--from-job", paramLabel = "JOB", description = "A succeeded job's outputs.")
          String fromJob,
      @Option(names = "--description", paramLabel = "TEXT") String description,
      @Option(
              names = "--endpoint",
              paramLabel = "URL",
              description = "The S3 endpoint (default: the control plane's own store).")
          String endpoint,
      @Option(names = "--region", paramLabel = "REGION") String region,
      @Option(
              names = "--secret",
              paramLabel = "SECRET",
              description =
                  "A secret of the project with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
                      + " (default: those variables of this shell).")
          String secret,
      @Option(
              names = {"-o", "--output"},
              paramLabel = "FORMAT",
              description = "json or yaml (default: a line).")
          OutputFormat output) {
    if ((from == null) == (fromJob == null)) {
      throw CliException.usage("Expected exactly one of --from and --from-job");
    }
    ApiClient client = context.client();
    String project = client.connection().project();
    String answer;
    if (fromJob != null) {
      answer =
          client.postJson(
              ApiPaths.expand(ApiPaths.DATASET_IMPORTS, project, name),
              new DatasetImportRequest(fromJob, null, description));
    } else if (from.startsWith("s3://")) {
      String accessKey = secret == null ? context.env("AWS_ACCESS_KEY_ID") : null;
      String secretKey = secret == null ? context.env("AWS_SECRET_ACCESS_KEY") : null;
      answer =
          client.postJson(
              ApiPaths.expand(ApiPaths.DATASET_IMPORTS, project, name),
              new DatasetImportRequest(
                  null,
                  new DatasetImportRequest.S3Source(
                      from, endpoint, region, accessKey, secretKey, secret),
                  description));
    } else {
      answer = uploadFolder(client, project, name, Path.of(from), description);
    }
    if (output == OutputFormat.JSON || output == OutputFormat.YAML) {
      context.printAnswer(answer, output);
      return ExitCodes.OK;
    }
    DatasetVersionView version = context.codec().fromJson(answer, DatasetVersionView.class);
    context
        .out()
        .println(
            "Dataset "
                + version.dataset()
                + " version "
                + version.version()
                + ": "
                + version.files()
                + " files, "
                + Quantities.formatMemory(version.sizeBytes())
                + ", sha256 "
                + version.sha256());
    return ExitCodes.OK;
  }

  private static String uploadFolder(
      ApiClient client, String project, String name, Path folder, String description) {
    if (!Files.isDirectory(folder)) {
      throw CliException.usage(
          "Expected --from to be a folder or s3://BUCKET/PREFIX, but '" + folder + "' is neither");
    }
    List<Path> files = DirectoryTar.files(folder);
    if (files.isEmpty()) {
      throw CliException.usage("Expected files in " + folder + ", but it has none");
    }
    String path = ApiPaths.expand(ApiPaths.DATASET_VERSIONS, project, name);
    if (description != null) {
      path += "?description=" + URLEncoder.encode(description, StandardCharsets.UTF_8);
    }
    return client.uploadStream(
        path, "application/x-tar", out -> DirectoryTar.write(folder, files, out));
  }

  @Command(
      name = "list",
      aliases = "ls",
      description = "The datasets the project may mount (its own and shared), then its volumes.")
  int list(
      @Option(
              names = {"-o", "--output"},
              paramLabel = "FORMAT",
              description = "json or yaml: the datasets (default: tables of both).")
          OutputFormat output) {
    ApiClient client = context.client();
    String project = client.connection().project();
    String answer = client.getText(ApiPaths.expand(ApiPaths.DATASETS, project));
    if (output == OutputFormat.JSON || output == OutputFormat.YAML) {
      context.printAnswer(answer, output);
      return ExitCodes.OK;
    }
    List<DatasetView> datasets =
        context.codec().fromJson(answer, new TypeReference<List<DatasetView>>() {});
    TextTable table = new TextTable("DATASET", "LATEST", "VERSIONS", "SHARED WITH", "CREATED BY");
    for (DatasetView dataset : datasets) {
      table.row(
          dataset.project().equals(project)
              ? dataset.name()
              : dataset.project() + "/" + dataset.name(),
          dataset.latestVersion() == null ? "-" : dataset.latestVersion(),
          dataset.versions(),
          dataset.sharedWith().isEmpty() ? "-" : String.join(",", dataset.sharedWith()),
          dataset.createdBy());
    }
    if (table.isEmpty()) {
      context.out().println("No datasets in project " + project);
    } else {
      table.print(context.out());
    }
    context.out().println();
    VolumeCommand.printTable(
        context, client.getText(ApiPaths.expand(ApiPaths.VOLUMES, project)), project);
    return ExitCodes.OK;
  }

  @Command(name = "get", description = "One dataset: versions, sharing.")
  int get(
      @Parameters(paramLabel = "[PROJECT/]NAME", description = "The dataset.") String reference,
      @Option(
              names = {"-o", "--output"},
              paramLabel = "FORMAT",
              description = "json or yaml (default: text).")
          OutputFormat output) {
    ApiClient client = context.client();
    String[] ref = reference(client, reference);
    String answer = client.getText(ApiPaths.expand(ApiPaths.DATASET, ref[0], ref[1]));
    if (output == OutputFormat.JSON || output == OutputFormat.YAML) {
      context.printAnswer(answer, output);
      return ExitCodes.OK;
    }
    DatasetView dataset = context.codec().fromJson(answer, DatasetView.class);
    context.out().println("Dataset:     " + dataset.project() + "/" + dataset.name());
    context
        .out()
        .println(
            "Latest:      " + (dataset.latestVersion() == null ? "-" : dataset.latestVersion()));
    context.out().println("Versions:    " + dataset.versions());
    context
        .out()
        .println(
            "Shared with: "
                + (dataset.sharedWith().isEmpty()
                    ? "- (private)"
                    : String.join(",", dataset.sharedWith())));
    context.out().println("Created:     " + dataset.createdAt() + " by " + dataset.createdBy());
    return ExitCodes.OK;
  }

  @Command(name = "versions", description = "A dataset's versions, newest first.")
  int versions(
      @Parameters(paramLabel = "[PROJECT/]NAME", description = "The dataset.") String reference,
      @Option(
              names = {"-o", "--output"},
              paramLabel = "FORMAT",
              description = "json or yaml (default: a table).")
          OutputFormat output) {
    ApiClient client = context.client();
    String[] ref = reference(client, reference);
    String answer = client.getText(ApiPaths.expand(ApiPaths.DATASET_VERSIONS, ref[0], ref[1]));
    if (output == OutputFormat.JSON || output == OutputFormat.YAML) {
      context.printAnswer(answer, output);
      return ExitCodes.OK;
    }
    List<DatasetVersionView> versions =
        context.codec().fromJson(answer, new TypeReference<List<DatasetVersionView>>() {});
    TextTable table = new TextTable("VERSION", "FILES", "SIZE", "SHA256", "FROM", "USED BY");
    for (DatasetVersionView version : versions) {
      table.row(
          version.version(),
          version.files(),
          Quantities.formatMemory(version.sizeBytes()),
          version.sha256().substring(0, 16),
          source(version),
          version.usedBy().isEmpty() ? "-" : String.join(",", version.usedBy()));
    }
    if (table.isEmpty()) {
      context.out().println("No versions of dataset " + reference);
    } else {
      table.print(context.out());
    }
    return ExitCodes.OK;
  }

  private static String source(DatasetVersionView version) {
    return switch (version.lineage().source()) {
      case "job" -> "job " + version.lineage().job();
      case "s3" -> version.lineage().uri();
      default -> "upload by " + version.lineage().createdBy();
    };
  }

  @Command(
      name = "share",
      description =
          "Share a dataset with other projects (replaces the list; --with '' makes it private).")
  int share(
      @Parameters(paramLabel = "NAME", description = "The dataset.") String name,
      @Option(
              names = "--with",
              required = true,
              paramLabel = "PROJECT[,PROJECT...]",
              description = "The projects whose members may read and mount it.")
          String with) {
    ApiClient client = context.client();
    List<String> projects =
        Arrays.stream(with.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList();
    String answer =
        client.put(
            ApiPaths.expand(ApiPaths.DATASET_SHARES, client.connection().project(), name),
            new DatasetShareRequest(projects));
    DatasetView dataset = context.codec().fromJson(answer, DatasetView.class);
    context
        .out()
        .println(
            "Dataset "
                + name
                + (dataset.sharedWith().isEmpty()
                    ? " is private to project " + dataset.project()
                    : " shared with " + String.join(",", dataset.sharedWith())));
    return ExitCodes.OK;
  }

  @Command(
      name = "delete",
      aliases = {"rm", "del"},
      description =
          "Delete a dataset version (NAME@VERSION) or a whole dataset (NAME); refused while an"
              + " unfinished job mounts it. NAME that is no dataset deletes the volume NAME.")
  int delete(
      @Parameters(paramLabel = "NAME[@VERSION]", description = "What to delete.") String target) {
    ApiClient client = context.client();
    String project = client.connection().project();
    int at = target.indexOf('@');
    if (at >= 0) {
      String name = target.substring(0, at);
      String version = target.substring(at + 1);
      client.delete(ApiPaths.expand(ApiPaths.DATASET_VERSION, project, name, version));
      context.out().println("Dataset " + name + " version " + version + " deleted");
      return ExitCodes.OK;
    }
    try {
      client.delete(ApiPaths.expand(ApiPaths.DATASET, project, target));
    } catch (CliException e) {
      if (e.exitCode() != ExitCodes.NOT_FOUND) {
        throw e;
      }
      VolumeCommand.deleteVolume(context, target);
      return ExitCodes.OK;
    }
    context.out().println("Dataset " + target + " deleted");
    return ExitCodes.OK;
  }

  /** {@code [PROJECT/]NAME} as project and name; the project defaults to the connection's. */
  private static String[] reference(ApiClient client, String reference) {
    int slash = reference.indexOf('/');
    if (slash < 0) {
      return new String[] {client.connection().project(), reference};
    }
    return new String[] {reference.substring(0, slash), reference.substring(slash + 1)};
  }
}
