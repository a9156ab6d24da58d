package io.capstan.cli;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.RestartPolicy;
import io.capstan.cli.audit.AuditCommand;
import io.capstan.cli.client.WireCodec;
import io.capstan.cli.cluster.TopCommand;
import io.capstan.cli.config.ConfigFile;
import io.capstan.cli.config.ConnectionOptions;
import io.capstan.cli.config.ConnectionResolver;
import io.capstan.cli.config.LoginCommand;
import io.capstan.cli.config.LogoutCommand;
import io.capstan.cli.identity.ProjectCommand;
import io.capstan.cli.identity.TokenCommand;
import io.capstan.cli.identity.UserCommand;
import io.capstan.cli.identity.WhoAmICommand;
import io.capstan.cli.image.EnvCommand;
import io.capstan.cli.job.CancelCommand;
import io.capstan.cli.job.DeleteCommand;
import io.capstan.cli.job.GetCommand;
import io.capstan.cli.job.ListCommand;
import io.capstan.cli.job.LogsCommand;
import io.capstan.cli.job.MetricsCommand;
import io.capstan.cli.job.OutputsCommand;
import io.capstan.cli.job.SubmitCommand;
import io.capstan.cli.job.WaitCommand;
import io.capstan.cli.model.ModelCommand;
import io.capstan.cli.projectdata.ProjectDataCommand;
import io.capstan.cli.queue.QueueCommand;
import io.capstan.cli.serving.ServeCommand;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;

/**
 * The {@code capstan} command line: the composition root of the CLI. Each {@link #run} parses the
 * arguments, runs one command and returns its exit code ({@link ExitCodes}); nothing is static, so
 * tests and embedders run it with their own environment, config file and streams.
 */
public final class CapstanCli {
  private final Map<String, String> env;
  private final Path configPath;
  private final Path home;
  private final Clock clock;
  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;

  /**
   * A CLI with the given environment ({@code CAPSTAN_*} variables), config file and output streams;
   * standard input, the home directory of the environment ({@code $HOME}) and the system clock for
   * the rest.
   */
  public CapstanCli(Map<String, String> env, Path configPath, PrintStream out, PrintStream err) {
    this(env, configPath, ConfigFile.home(env), Clock.systemUTC(), System.in, out, err);
  }

  /**
   * A CLI with everything injected.
   *
   * @param home where {@code .capstan/admin.token} is looked for when {@code CAPSTAN_DATA_DIR} is
   *     not set
   */
  public CapstanCli(
      Map<String, String> env,
      Path configPath,
      Path home,
      Clock clock,
      InputStream in,
      PrintStream out,
      PrintStream err) {
    this.env = Map.copyOf(requireNonNull(env, "env is null"));
    this.configPath = requireNonNull(configPath, "configPath is null");
    this.home = requireNonNull(home, "home is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.in = requireNonNull(in, "in is null");
    this.out = requireNonNull(out, "out is null");
    this.err = requireNonNull(err, "err is null");
  }

  public static void main(String[] args) {
    System.exit(fromEnvironment(System.getenv(), System.in, System.out, System.err).run(args));
  }

  /**
   * The CLI as {@link #main} runs it: home directory {@code $HOME}, config file {@code
   * $CAPSTAN_CONFIG} or {@code $HOME/.config/capstan/config.json}, the system clock.
   */
  public static CapstanCli fromEnvironment(
      Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
    Path home = ConfigFile.home(env);
    return new CapstanCli(
        env, ConfigFile.defaultPath(env, home), home, Clock.systemUTC(), in, out, err);
  }

  /** Runs one command line; returns its exit code. */
  public int run(String... args) {
    WireCodec codec = new WireCodec();
    ConfigFile configFile = new ConfigFile(configPath, codec);
    ConnectionOptions flags = new ConnectionOptions();
    CliContext context =
        new CliContext(
            in,
            out,
            err,
            clock,
            codec,
            configFile,
            new ConnectionResolver(env, configFile, home),
            flags);
    CommandLine cli = commandLine(context, flags);
    try {
      return cli.execute(args);
    } finally {
      cli.getOut().flush();
      cli.getErr().flush();
      out.flush();
      err.flush();
    }
  }

  private CommandLine commandLine(CliContext context, ConnectionOptions flags) {
    CommandLine cli = new CommandLine(new CapstanCommand());
    // Added before the subcommands, so that they all inherit --url, --token and --project.
    cli.addMixin("connection", flags);
    cli.addSubcommand(new LoginCommand(context));
    cli.addSubcommand(new LogoutCommand(context));
    cli.addSubcommand(new WhoAmICommand(context));
    cli.addSubcommand(SubmitCommand.commandLine(context));
    cli.addSubcommand(new ListCommand(context));
    cli.addSubcommand(new GetCommand(context));
    cli.addSubcommand(new LogsCommand(context));
    cli.addSubcommand(new OutputsCommand(context));
    cli.addSubcommand(new MetricsCommand(context));
    cli.addSubcommand(new io.capstan.cli.data.DataCommand(context));
    cli.addSubcommand(new io.capstan.cli.data.VolumeCommand(context));
    cli.addSubcommand(new WaitCommand(context));
    cli.addSubcommand(new CancelCommand(context));
    cli.addSubcommand(new DeleteCommand(context));
    cli.addSubcommand(new ProjectCommand(context));
    cli.addSubcommand(new UserCommand(context));
    cli.addSubcommand(new TokenCommand(context));
    cli.addSubcommand(new QueueCommand(context));
    cli.addSubcommand(new EnvCommand(context));
    cli.addSubcommand(new TopCommand(context));
    cli.addSubcommand(new ServeCommand(context));
    cli.addSubcommand(new io.capstan.cli.notebook.NotebookCommand(context));
    cli.addSubcommand(new io.capstan.cli.experiment.ExperimentCommand(context));
    cli.addSubcommand(new ModelCommand(context));
    cli.addSubcommand(ProjectDataCommand.secrets(context));
    cli.addSubcommand(ProjectDataCommand.configMaps(context));
    cli.addSubcommand(AuditCommand.commandLine(context));
    cli.getCommandSpec()
        .usageMessage()
        .exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(ExitCodes.descriptions());
    // Settings last: they apply to the subcommands that exist when they are set.
    cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.registerConverter(Duration.class, CapstanCli::duration);
    cli.registerConverter(RestartPolicy.class, CapstanCli::restartPolicy);
    cli.setParameterExceptionHandler(this::usageError);
    cli.setExecutionExceptionHandler(this::failure);
    return cli;
  }

  private static Duration duration(String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }

  private static RestartPolicy restartPolicy(String text) {
    RestartPolicy policy = RestartPolicy.fromWire(text);
    if (policy == null) {
      throw new CommandLine.TypeConversionException(
          "Expected one of Never, OnFailure, ExitCode, but was '" + text + "'");
    }
    return policy;
  }

  private int usageError(CommandLine.ParameterException e, String[] args) {
    err.println("error: " + e.getMessage());
    err.println(
        "Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
    return ExitCodes.USAGE;
  }

  private int failure(Exception e, CommandLine command, CommandLine.ParseResult parseResult) {
    if (e instanceof CliException failure) {
      err.println("error: " + failure.getMessage());
      if (failure.field() != null) {
        err.println("  field: " + failure.field());
      }
      return failure.exitCode();
    }
    if (e instanceof CommandLine.ParameterException usage) {
      return usageError(usage, new String[0]);
    }
    // A bug or an unforeseen failure: say what it was, with its causes, but no stack trace.
    StringBuilder message = new StringBuilder("error: ").append(e);
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      message.append("\n  caused by: ").append(cause);
    }
    err.println(message);
    return ExitCodes.ERROR;
  }
}
