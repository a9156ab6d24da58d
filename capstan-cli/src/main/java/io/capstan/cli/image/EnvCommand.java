package io.capstan.cli.image;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.image.ImageEnvironment;
import io.capstan.api.image.ImageEnvironmentList;
import io.capstan.cli.CliContext;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.OutputFormat;
import io.capstan.cli.TextTable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code capstan env list|get|set|delete}: the runtime's image map, what each container image
 * stands for on one machine (decision 82).
 */
@Command(
    name = "env",
    description =
        "Show and change the image map: what each container image stands for on this machine"
            + " (its python, code folders, working directory, entrypoint, variables).")
public final class EnvCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final CliContext context;

  public EnvCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(), "Expected one of the subcommands list, get, set, delete");
  }

  @Command(name = "list", description = "Every entry in use, built-in and the operator's.")
  int list(
      @Option(
              names = {"-o", "--output"},
              paramLabel = "FORMAT",
              description = "json or yaml (default: a table).")
          OutputFormat output) {
    String answer = context.client().getText(ApiPaths.ENVIRONMENTS);
    if (output == OutputFormat.JSON || output == OutputFormat.YAML) {
      context.printAnswer(answer, output);
      return ExitCodes.OK;
    }
    ImageEnvironmentList list = context.codec().fromJson(answer, ImageEnvironmentList.class);
    TextTable table = new TextTable("PATTERN", "ORIGIN", "PYTHON", "CODE", "WORKDIR", "ENTRYPOINT");
    for (ImageEnvironment entry : list.entries()) {
      table.row(
          entry.pattern(),
          entry.origin(),
          orDash(entry.python()),
          entry.code().isEmpty() ? "-" : code(entry.code()),
          orDash(entry.workingDir()),
          entrypoint(entry));
    }
    table.print(context.out());
    warnAboutTheFile(list);
    return ExitCodes.OK;
  }

  @Command(name = "get", description = "One entry, by its exact pattern.")
  int get(
      @Parameters(paramLabel = "PATTERN", description = "The entry's image pattern.")
          String pattern,
      @Option(
              names = {"-o", "--output"},
              paramLabel = "FORMAT",
              description = "json or yaml (default: a human view).")
          OutputFormat output) {
    String answer = context.client().getText(ApiPaths.ENVIRONMENTS + "?pattern=" + query(pattern));
    ImageEnvironmentList list = context.codec().fromJson(answer, ImageEnvironmentList.class);
    ImageEnvironment entry = list.entries().get(0);
    if (output == OutputFormat.JSON || output == OutputFormat.YAML) {
      context.printAnswer(context.codec().toJson(entry), output);
      return ExitCodes.OK;
    }
    print(entry);
    warnAboutTheFile(list);
    return ExitCodes.OK;
  }

  @Command(
      name = "set",
      description =
          "Add or replace the operator's entry of PATTERN (installation admins). It replaces the"
              + " whole entry, and wins over a built-in entry of the same pattern.")
  int set(
      @Parameters(
              paramLabel = "PATTERN",
              description = "The image, or a pattern where * matches anything (e.g. pytorch/*).")
          String pattern,
      @Option(
              names = "--python",
              paramLabel = "PATH",
              description = "The interpreter of python, python3 and torchrun.")
          String python,
      @Option(
              names = "--code",
              paramLabel = "CONTAINER=HOST",
              description =
                  "A code folder of the image, read-only: /opt/pytorch-mnist=/srv/mnist"
                      + " (repeatable).")
          Map<String, String> code,
      @Option(
              names = {"--workdir", "--working-dir"},
              paramLabel = "PATH",
              description = "The image's working directory (a container path).")
          String workingDir,
      @Option(
              names = "--entrypoint",
              paramLabel = "WORD",
              description =
                  "A word of what containers without a command run (repeatable, in order);"
                      + " --entrypoint '' says the image has none, so args are the command.")
          List<String> entrypoint,
      @Option(
              names = "--args",
              paramLabel = "WORD",
              description =
                  "A word of the default args, run after the entrypoint by containers with"
                      + " neither command nor args (repeatable).")
          List<String> args,
      @Option(
              names = {"--env", "-e"},
              paramLabel = "NAME=VALUE",
              description = "A variable every replica of the image gets (repeatable).")
          Map<String, String> env) {
    ImageEnvironment entry =
        new ImageEnvironment(
            pattern,
            python,
            code == null ? Map.of() : new LinkedHashMap<>(code),
            workingDir,
            entrypoint == null
                ? null
                : entrypoint.stream().filter(word -> !word.isEmpty()).toList(),
            args,
            env == null ? Map.of() : new LinkedHashMap<>(env),
            null);
    String answer = context.client().put(ApiPaths.ENVIRONMENTS, entry);
    print(context.codec().fromJson(answer, ImageEnvironment.class));
    return ExitCodes.OK;
  }

  @Command(
      name = "delete",
      description =
          "Remove the operator's entry of PATTERN (installation admins); a built-in entry of that"
              + " pattern applies again.")
  int delete(
      @Parameters(paramLabel = "PATTERN", description = "The entry's image pattern.")
          String pattern) {
    context.client().delete(ApiPaths.ENVIRONMENTS + "?pattern=" + query(pattern));
    context.out().println("Image map entry '" + pattern + "' deleted");
    return ExitCodes.OK;
  }

  private void print(ImageEnvironment entry) {
    TextTable fields = new TextTable("Pattern:", entry.pattern());
    fields.row("Origin:", entry.origin());
    fields.row("Python:", entry.python() == null ? "the runtime's default" : entry.python());
    fields.row("Code:", entry.code().isEmpty() ? "-" : code(entry.code()));
    fields.row(
        "Working dir:",
        entry.workingDir() == null ? "the replica's own folder" : entry.workingDir());
    fields.row("Entrypoint:", entrypoint(entry));
    fields.row("Default args:", entry.args().isEmpty() ? "-" : String.join(" ", entry.args()));
    fields.row("Env:", entry.env().isEmpty() ? "-" : pairs(entry.env(), "="));
    fields.print(context.out());
  }

  private void warnAboutTheFile(ImageEnvironmentList list) {
    if (list.problem() != null) {
      context
          .err()
          .println(
              "warning: "
                  + list.file()
                  + " cannot be used ("
                  + list.problem()
                  + "); the map read from it before stays in use");
    }
  }

  private static String entrypoint(ImageEnvironment entry) {
    if (entry.entrypoint() == null) {
      return "none (a command is required)";
    }
    return entry.entrypoint().isEmpty()
        ? "none (args are the command)"
        : String.join(" ", entry.entrypoint());
  }

  private static String code(Map<String, String> code) {
    return pairs(code, " <- ");
  }

  private static String pairs(Map<String, String> map, String separator) {
    StringBuilder text = new StringBuilder();
    map.forEach(
        (key, value) ->
            text.append(text.isEmpty() ? "" : ", ").append(key).append(separator).append(value));
    return text.toString();
  }

  private static String orDash(String value) {
    return value == null ? "-" : value;
  }

  private static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
