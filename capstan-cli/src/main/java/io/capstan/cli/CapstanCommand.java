package io.capstan.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The top {@code capstan} command; its subcommands do the work. */
@Command(
    name = "capstan",
    mixinStandardHelpOptions = true,
    // -h and -V on every subcommand too, so that 'capstan submit pytorchjob -h' needs no CMD.
    scope = ScopeType.INHERIT,
    versionProvider = CapstanCommand.Version.class,
    description = "Submit and watch training jobs on a Capstan server.",
    footer = {
      "",
      "--url, --token and -p/--project work on every command. They override",
      "CAPSTAN_URL, CAPSTAN_TOKEN and CAPSTAN_PROJECT, which override the config",
      "file ($CAPSTAN_CONFIG or ~/.config/capstan/config.json, see 'capstan login')."
    })
final class CapstanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "Missing a command");
  }

  /** The version from the jar's manifest, when there is one. */
  static final class Version implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = CapstanCommand.class.getPackage().getImplementationVersion();
      return new String[] {"capstan " + (version == null ? "(development build)" : version)};
    }
  }
}
