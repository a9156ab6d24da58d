package io.capstan.cli.audit;

import static java.util.Objects.requireNonNull;

import io.capstan.cli.CliContext;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code capstan audit}: the audit log's commands. */
@Command(
    name = "audit",
    description =
        "Read the audit log: every state-changing call, allowed or refused (installation admins:"
            + " everything; project admins: their projects).")
public final class AuditCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private AuditCommand() {}

  /** {@code audit} with its subcommands. */
  public static CommandLine commandLine(CliContext context) {
    requireNonNull(context, "context is null");
    CommandLine audit = new CommandLine(new AuditCommand());
    audit.addSubcommand(new AuditListCommand(context));
    return audit;
  }

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "Expected the subcommand list");
  }
}
