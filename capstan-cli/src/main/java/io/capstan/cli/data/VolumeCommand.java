package io.capstan.cli.data;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.job.Quantities;
import io.capstan.api.volume.VolumeView;
import io.capstan.cli.CliContext;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.OutputFormat;
import io.capstan.cli.TextTable;
import io.capstan.cli.client.ApiClient;
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
 * {@code capstan volume list|delete} (Arena's {@code arena data list}): the project's volumes,
 * which its jobs mount as {@code persistentVolumeClaim}s and {@code --data NAME:PATH}. {@code
 * capstan data list} shows them too, after the datasets.
 */
@Command(
    name = "volume",
    description =
        "The project's volumes (what jobs mount with persistentVolumeClaim or --data NAME:PATH),"
            + " kept across jobs.")
public final class VolumeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final CliContext context;

  public VolumeCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(), "Expected one of the subcommands list, delete");
  }

  @Command(name = "list", description = "The project's volumes: size, files, jobs that mount them.")
  int list(
      @Option(
              names = {"-o", "--output"},
              paramLabel = "FORMAT",
              description = "json or yaml (default: a table).")
          OutputFormat output) {
    ApiClient client = context.client();
    String answer =
        client.getText(ApiPaths.expand(ApiPaths.VOLUMES, client.connection().project()));
    if (output == OutputFormat.JSON || output == OutputFormat.YAML) {
      context.printAnswer(answer, output);
      return ExitCodes.OK;
    }
    printTable(context, answer, client.connection().project());
    return ExitCodes.OK;
  }

  /** Prints the volumes of {@code answer} as a table, or a line saying there are none. */
  static void printTable(CliContext context, String answer, String project) {
    List<VolumeView> volumes =
        context.codec().fromJson(answer, new TypeReference<List<VolumeView>>() {});
    TextTable table = new TextTable("NAME", "SIZE", "FILES", "USED BY");
    for (VolumeView volume : volumes) {
      table.row(
          volume.name(),
          Quantities.formatMemory(volume.bytes()),
          volume.files(),
          volume.usedBy().isEmpty() ? "-" : String.join(",", volume.usedBy()));
    }
    if (table.isEmpty()) {
      context.out().println("No volumes in project " + project);
    } else {
      table.print(context.out());
    }
  }

  @Command(
      name = "delete",
      aliases = {"rm", "del"},
      description = "Delete a volume and its files (refused while an unfinished job mounts it).")
  int delete(@Parameters(paramLabel = "NAME", description = "The volume.") String name) {
    deleteVolume(context, name);
    return ExitCodes.OK;
  }

  static void deleteVolume(CliContext context, String name) {
    ApiClient client = context.client();
    client.delete(ApiPaths.expand(ApiPaths.VOLUME, client.connection().project(), name));
    context.out().println("Volume " + name + " deleted");
  }
}
