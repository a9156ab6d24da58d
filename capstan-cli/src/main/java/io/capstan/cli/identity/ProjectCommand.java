package io.capstan.cli.identity;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.identity.AddMemberRequest;
import io.capstan.api.identity.CreateProjectRequest;
import io.capstan.api.identity.MemberView;
import io.capstan.api.identity.ProjectRole;
import io.capstan.api.identity.ProjectView;
import io.capstan.cli.CliContext;
import io.capstan.cli.Durations;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.OutputFormat;
import io.capstan.cli.TextTable;
import io.capstan.cli.client.ApiClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.type.TypeReference;

/** {@code capstan project list|create|get|add-member|remove-member}. */
@Command(name = "project", description = "List, create and show projects; manage their members.")
public final class ProjectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final CliContext context;

  public ProjectCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(),
        "Expected one of the subcommands list, create, get, add-member, remove-member");
  }

  @Command(name = "list", description = "List the projects you are a member of.")
  int list(
      @Option(
              names = {"-o", "--output"},
              paramLabel = "FORMAT",
              description = "json or yaml (default: a table).")
          OutputFormat output) {
    String answer = context.client().getText(ApiPaths.PROJECTS);
    if (output == OutputFormat.JSON || output == OutputFormat.YAML) {
      context.printAnswer(answer, output);
      return ExitCodes.OK;
    }
    List<ProjectView> projects =
        context.codec().fromJson(answer, new TypeReference<List<ProjectView>>() {});
    if (projects.isEmpty()) {
      context.err().println("You are a member of no project.");
      return ExitCodes.OK;
    }
    TextTable table = new TextTable("NAME", "MEMBERS", "AGE", "DESCRIPTION");
    for (ProjectView project : projects) {
      table.row(
          project.name(),
          project.members().size(),
          age(project.createdAt()),
          project.description());
    }
    table.print(context.out());
    return ExitCodes.OK;
  }

  @Command(name = "create", description = "Create a project; you become its admin.")
  int create(
      @Parameters(paramLabel = "NAME", description = "The project's name.") String name,
      @Option(names = "--description", paramLabel = "TEXT", description = "What it is for.")
          String description) {
    context
        .client()
        .post(ApiPaths.PROJECTS, new CreateProjectRequest(name, description), Void.class);
    context.out().println("Created project " + name);
    return ExitCodes.OK;
  }

  @Command(name = "get", description = "Show a project and its members.")
  int get(
      @Parameters(paramLabel = "NAME", description = "The project.") String name,
      @Option(
              names = {"-o", "--output"},
              paramLabel = "FORMAT",
              description = "json or yaml (default: a human view).")
          OutputFormat output) {
    String answer = context.client().getText(ApiPaths.expand(ApiPaths.PROJECT, name));
    if (output == OutputFormat.JSON || output == OutputFormat.YAML) {
      context.printAnswer(answer, output);
      return ExitCodes.OK;
    }
    ProjectView project = context.codec().fromJson(answer, ProjectView.class);
    TextTable fields = new TextTable("Name:", project.name());
    fields.row("Description:", project.description());
    fields.row(
        "Created:",
        project.createdAt() == null
            ? null
            : project.createdAt() + " (" + age(project.createdAt()) + " ago)");
    fields.print(context.out());
    context.out().println();
    TextTable members = new TextTable("USER", "ROLE");
    for (MemberView member : project.members()) {
      members.row(member.user(), member.role() == null ? null : member.role().wireName());
    }
    members.print(context.out());
    return ExitCodes.OK;
  }

  @Command(name = "add-member", description = "Add a user to a project, or change their role.")
  int addMember(
      @Parameters(index = "0", paramLabel = "PROJECT", description = "The project.") String project,
      @Parameters(index = "1", paramLabel = "USER", description = "The user.") String user,
      @Option(
              names = "--role",
              required = true,
              paramLabel = "ROLE",
              description = "viewer, editor or admin.")
          ProjectRole role) {
    context
        .client()
        .put(ApiPaths.expand(ApiPaths.PROJECT_MEMBERS, project), new AddMemberRequest(user, role));
    context.out().println("Added " + user + " to project " + project + " as " + role.wireName());
    return ExitCodes.OK;
  }

  @Command(name = "remove-member", description = "Remove a user from a project.")
  int removeMember(
      @Parameters(index = "0", paramLabel = "PROJECT", description = "The project.") String project,
      @Parameters(index = "1", paramLabel = "USER", description = "The user.") String user) {
    ApiClient client = context.client();
    client.delete(
        ApiPaths.expand(ApiPaths.PROJECT_MEMBERS, project)
            + "/"
            + URLEncoder.encode(user, StandardCharsets.UTF_8));
    context.out().println("Removed " + user + " from project " + project);
    return ExitCodes.OK;
  }

  private String age(Instant createdAt) {
    return createdAt == null
        ? null
        : Durations.age(Duration.between(createdAt, context.clock().instant()));
  }
}
