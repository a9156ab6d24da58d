package io.capstan.cli.experiment;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.experiment.ExperimentView;
import io.capstan.api.experiment.ResumeRequest;
import io.capstan.api.experiment.TrialView;
import io.capstan.api.job.ModelOutput;
import io.capstan.api.status.Condition;
import io.capstan.cli.CliContext;
import io.capstan.cli.CliException;
import io.capstan.cli.Durations;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.OutputFormat;
import io.capstan.cli.TextTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.type.TypeReference;

/**
 * {@code capstan experiment create|list|get|trials|stop|resume|delete}: Katib Experiments
 * (hyperparameter tuning) whose trials run as jobs of the project.
 */
@Command(
    name = "experiment",
    aliases = "experiments",
    description = "Hyperparameter tuning: Katib Experiments whose trials run as jobs.")
public final class ExperimentCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final CliContext context;

  public ExperimentCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(),
        "Expected one of the subcommands create, list, get, trials, stop, resume, delete");
  }

  /** The {@code -o} flag of the subcommands that show experiments or trials. */
  static final class Output {
    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description = "json or yaml (default: a human view).")
    OutputFormat format;
  }

  @Command(
      name = "create",
      description = "Create a Katib Experiment (kubeflow.org/v1beta1) from a YAML or JSON file.")
  int create(
      @Option(
              names = {"-f", "--file"},
              required = true,
              paramLabel = "FILE",
              description = "The Experiment ('-': standard input).")
          String file,
      @Mixin Output output) {
    String text = read(file);
    String contentType =
        text.stripLeading().startsWith("{") ? "application/json" : "application/yaml";
    ExperimentView created =
        context
            .client()
            .postText(path(ApiPaths.EXPERIMENTS), text, contentType, ExperimentView.class);
    if (output.format == OutputFormat.JSON || output.format == OutputFormat.YAML) {
      context.printAnswer(context.codec().toJson(created), output.format);
    } else {
      context
          .out()
          .println(
              "experiment "
                  + created.name()
                  + " created ("
                  + created.algorithm()
                  + ", seed "
                  + created.seed()
                  + "); watch it with: capstan experiment get "
                  + created.name());
    }
    return ExitCodes.OK;
  }

  @Command(name = "list", description = "The project's experiments.")
  int list(@Mixin Output output) {
    String answer = context.client().getText(path(ApiPaths.EXPERIMENTS));
    if (output.format == OutputFormat.JSON || output.format == OutputFormat.YAML) {
      context.printAnswer(answer, output.format);
      return ExitCodes.OK;
    }
    List<ExperimentView> experiments =
        context.codec().fromJson(answer, new TypeReference<List<ExperimentView>>() {});
    TextTable table =
        new TextTable("NAME", "PHASE", "ALGORITHM", "TRIALS", "RUNNING", "BEST", "AGE");
    for (ExperimentView experiment : experiments) {
      table.row(
          experiment.name(),
          experiment.phase().wireName(),
          experiment.algorithm(),
          experiment.trials().total(),
          experiment.trials().running() + experiment.trials().pending(),
          best(experiment),
          Durations.age(Duration.between(experiment.createdAt(), context.clock().instant())));
    }
    if (table.isEmpty()) {
      context.out().println("No experiments in project " + context.client().connection().project());
    } else {
      table.print(context.out());
    }
    return ExitCodes.OK;
  }

  @Command(
      name = "get",
      description =
          "One experiment: phase, counts, the best trial with its metrics and the command that"
              + " registers its model.")
  int get(@Parameters(paramLabel = "NAME") String name, @Mixin Output output) {
    String answer = context.client().getText(experiment(name, ApiPaths.EXPERIMENT));
    if (output.format == OutputFormat.JSON || output.format == OutputFormat.YAML) {
      context.printAnswer(answer, output.format);
      return ExitCodes.OK;
    }
    show(context.codec().fromJson(answer, ExperimentView.class));
    return ExitCodes.OK;
  }

  @Command(name = "trials", description = "The experiment's trials in creation order.")
  int trials(@Parameters(paramLabel = "NAME") String name, @Mixin Output output) {
    String answer = context.client().getText(experiment(name, ApiPaths.EXPERIMENT_TRIALS));
    if (output.format == OutputFormat.JSON || output.format == OutputFormat.YAML) {
      context.printAnswer(answer, output.format);
      return ExitCodes.OK;
    }
    List<TrialView> trials =
        context.codec().fromJson(answer, new TypeReference<List<TrialView>>() {});
    TextTable table = new TextTable("TRIAL", "PHASE", "OBJECTIVE", "ASSIGNMENTS", "MESSAGE");
    for (TrialView trial : trials) {
      table.row(
          trial.name(),
          trial.phase().wireName(),
          trial.objective() == null ? "-" : trial.objective(),
          assignments(trial.assignments()),
          trial.message() == null ? "" : trial.message());
    }
    if (table.isEmpty()) {
      context.out().println("Experiment " + name + " has no trials yet");
    } else {
      table.print(context.out());
    }
    return ExitCodes.OK;
  }

  @Command(
      name = "stop",
      description = "Create no more trials; the running ones finish and are recorded.")
  int stop(@Parameters(paramLabel = "NAME") String name) {
    ExperimentView stopped =
        context
            .client()
            .post(experiment(name, ApiPaths.EXPERIMENT_STOP), null, ExperimentView.class);
    context.out().println("experiment " + name + " " + stopped.phase().wireName().toLowerCase());
    return ExitCodes.OK;
  }

  @Command(
      name = "resume",
      description =
          "Go on creating trials after a stop, or after maxTrialCount was reached with a larger"
              + " --max-trials (needs resumePolicy LongRunning or FromVolume).")
  int resume(
      @Parameters(paramLabel = "NAME") String name,
      @Option(
              names = "--max-trials",
              paramLabel = "N",
              description = "New maxTrialCount, above the trials made so far")
          Integer maxTrials,
      @Option(names = "--parallel-trials", paramLabel = "N", description = "New parallelTrialCount")
          Integer parallelTrials) {
    String path = experiment(name, ApiPaths.EXPERIMENT_RESUME);
    ExperimentView resumed =
        maxTrials == null && parallelTrials == null
            ? context.codec().fromJson(context.client().post(path), ExperimentView.class)
            : context
                .client()
                .post(path, new ResumeRequest(maxTrials, parallelTrials), ExperimentView.class);
    context.out().println("experiment " + name + " " + resumed.phase().wireName().toLowerCase());
    return ExitCodes.OK;
  }

  @Command(name = "delete", description = "Delete the experiment and its trials' jobs.")
  int delete(@Parameters(paramLabel = "NAME") String name) {
    context.client().delete(experiment(name, ApiPaths.EXPERIMENT));
    context.out().println("experiment " + name + " deleted (its trials' jobs are being removed)");
    return ExitCodes.OK;
  }

  private void show(ExperimentView experiment) {
    var out = context.out();
    out.println("Name:        " + experiment.name());
    out.println("Project:     " + experiment.project());
    out.println(
        "Phase:       "
            + experiment.phase().wireName()
            + (experiment.reason() == null ? "" : " (" + experiment.reason() + ")"));
    if (experiment.message() != null) {
      out.println("Message:     " + experiment.message());
    }
    ExperimentView.Objective objective = experiment.objective();
    out.println(
        "Objective:   "
            + objective.type()
            + " "
            + objective.objectiveMetricName()
            + (objective.goal() == null ? "" : ", goal " + objective.goal()));
    out.println("Algorithm:   " + experiment.algorithm() + " (seed " + experiment.seed() + ")");
    out.println(
        "Trials:      "
            + experiment.trials().total()
            + " of "
            + (experiment.maxTrialCount() == null ? "unbounded" : experiment.maxTrialCount())
            + ", "
            + experiment.parallelTrialCount()
            + " in parallel: "
            + experiment.trials().succeeded()
            + " succeeded, "
            + (experiment.trials().running() + experiment.trials().pending())
            + " running, "
            + experiment.trials().failed()
            + " failed, "
            + experiment.trials().earlyStopped()
            + " stopped early");
    TrialView best = experiment.bestTrial();
    if (best != null) {
      out.println("Best trial:  " + best.name() + "  " + assignments(best.assignments()));
      out.println(
          "Metrics:     "
              + best.metrics().entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .collect(Collectors.joining(" ")));
      // The trial's job wrote its model where every job does; registering it is one command.
      out.println(
          "Register its model: capstan model register "
              + experiment.name()
              + " --from-job "
              + best.job()
              + " --path "
              + ModelOutput.DEFAULT_PATH);
    }
    if (!experiment.conditions().isEmpty()) {
      out.println("Conditions:");
      for (Condition condition : experiment.conditions()) {
        out.println(
            "  "
                + condition.compact()
                + (condition.message() == null ? "" : "  " + condition.message()));
      }
    }
  }

  private static String best(ExperimentView experiment) {
    TrialView best = experiment.bestTrial();
    return best == null
        ? "-"
        : experiment.objective().objectiveMetricName() + "=" + best.objective();
  }

  private static String assignments(Map<String, String> values) {
    return values.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(" "));
  }

  private String read(String name) {
    try {
      byte[] bytes =
          name.equals("-") ? context.in().readAllBytes() : Files.readAllBytes(Path.of(name));
      String text = new String(bytes, StandardCharsets.UTF_8);
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (NoSuchFileException e) {
      throw new CliException(
          ExitCodes.USAGE, "Expected an Experiment file, but '" + name + "' does not exist", e);
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.ERROR, "Cannot read the Experiment '" + name + "': " + e.getMessage(), e);
    }
  }

  private String path(String template) {
    return ApiPaths.expand(template, context.client().connection().project());
  }

  private String experiment(String name, String template) {
    return ApiPaths.expand(template, context.client().connection().project(), name);
  }
}
