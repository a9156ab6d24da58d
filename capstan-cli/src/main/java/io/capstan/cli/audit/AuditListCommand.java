package io.capstan.cli.audit;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.audit.AuditEventView;
import io.capstan.cli.CliContext;
import io.capstan.cli.CliException;
import io.capstan.cli.Durations;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.OutputFormat;
import io.capstan.cli.TextTable;
import io.capstan.cli.client.ApiClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/** {@code capstan audit list}: who changed what, when, from where, allowed or refused. */
@Command(
    name = "list",
    description =
        "List audit events, newest first. -p/--project narrows to one project (its admins may"
            + " read it); without it, every event you may read.")
final class AuditListCommand implements Callable<Integer> {
  /** The API's largest page. */
  private static final int PAGE = 1000;

  @Option(names = "--user", paramLabel = "USER", description = "Only calls by this user.")
  String user;

  @Option(
      names = "--action",
      paramLabel = "ACTION",
      description = "Only this action: create, set, update, delete, cancel, promote, ...")
  String action;

  @Option(
      names = "--kind",
      paramLabel = "KIND",
      description = "Only this kind of object: job, quota, member, token, service, model, ...")
  String kind;

  @Option(
      names = "--outcome",
      paramLabel = "OUTCOME",
      description = "Only allowed, refused or failed calls.")
  String outcome;

  @Option(
      names = "--since",
      paramLabel = "WHEN",
      description =
          "Only calls since a duration ago (1h, 2d) or an instant (2026-12-06T10:00:00Z).")
  String since;

  @Option(
      names = "--until",
      paramLabel = "WHEN",
      description = "Only calls before a duration ago or an instant.")
  String until;

  @Option(
      names = "--before",
      paramLabel = "ID",
      description = "Only events older than this id (to read on where a list stopped).")
  Long before;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "50",
      description = "At most N events (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "wide, json or yaml (default: a table).")
  OutputFormat output;

  private final CliContext context;

  AuditListCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    if (limit < 1) {
      throw CliException.usage("Expected --limit to be at least 1, but was " + limit);
    }
    ApiClient client = context.client();
    String project = context.flags().project();
    String path =
        project == null ? ApiPaths.AUDIT : ApiPaths.expand(ApiPaths.PROJECT_AUDIT, project);
    Map<String, String> filters = filters();
    ArrayNode events = context.codec().emptyArray();
    Long next = before;
    do {
      int want = Math.min(limit - events.size(), PAGE);
      JsonNode page = context.codec().tree(client.getText(path + query(filters, next, want)));
      page.path("events").forEach(events::add);
      next = page.path("nextBefore").isNumber() ? page.path("nextBefore").asLong() : null;
    } while (next != null && events.size() < limit);
    if (output == OutputFormat.JSON || output == OutputFormat.YAML) {
      context.printAnswer(context.codec().prettyJson(events), output);
      return ExitCodes.OK;
    }
    List<AuditEventView> views = new ArrayList<>();
    for (JsonNode event : events) {
      views.add(context.codec().fromTree(event, AuditEventView.class));
    }
    print(views, output == OutputFormat.WIDE);
    if (views.isEmpty()) {
      context
          .err()
          .println("No audit events" + (project == null ? "" : " in project '" + project + "'"));
    } else if (next != null) {
      context.err().println("More events: add --before " + next + " to read on.");
    }
    return ExitCodes.OK;
  }

  private Map<String, String> filters() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("user", user);
    params.put("action", action);
    params.put("kind", kind);
    params.put("outcome", outcome);
    params.put("since", instant("--since", since));
    params.put("until", instant("--until", until));
    return params;
  }

  private static String query(Map<String, String> filters, Long before, int limit) {
    Map<String, String> params = new LinkedHashMap<>(filters);
    params.put("before", before == null ? null : before.toString());
    params.put("limit", Integer.toString(limit));
    StringBuilder query = new StringBuilder();
    params.forEach(
        (name, value) -> {
          if (value != null) {
            query
                .append(query.isEmpty() ? "?" : "&")
                .append(name)
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
          }
        });
    return query.toString();
  }

  /** A duration ago ({@code 1h}) or an ISO-8601 instant, as the instant the API expects. */
  private String instant(String option, String text) {
    if (text == null) {
      return null;
    }
    try {
      return context.clock().instant().minus(Durations.parse(text)).toString();
    } catch (IllegalArgumentException notADuration) {
      try {
        return Instant.parse(text).toString();
      } catch (DateTimeParseException e) {
        throw CliException.usage(
            "Expected "
                + option
                + " to be a duration such as 30m, 1h or 2d, or an instant such as"
                + " 2026-12-06T10:00:00Z, but was '"
                + text
                + "'");
      }
    }
  }

  private void print(List<AuditEventView> events, boolean wide) {
    if (events.isEmpty()) {
      return;
    }
    List<String> header =
        new ArrayList<>(List.of("TIME", "USER", "FROM", "PROJECT", "ACTION", "OBJECT", "OUTCOME"));
    if (wide) {
      header.addAll(List.of("ID", "BEFORE", "AFTER", "MESSAGE"));
    }
    TextTable table = new TextTable(header.toArray(String[]::new));
    for (AuditEventView event : events) {
      List<Object> cells = new ArrayList<>();
      cells.add(event.at().truncatedTo(ChronoUnit.SECONDS));
      cells.add(event.actor());
      cells.add(event.remoteAddress());
      cells.add(event.project());
      cells.add(event.action());
      cells.add(object(event));
      cells.add(outcome(event));
      if (wide) {
        cells.add(event.id());
        cells.add(event.before() == null ? null : context.codec().toJson(event.before()));
        cells.add(event.after() == null ? null : context.codec().toJson(event.after()));
        cells.add(event.message());
      }
      table.row(cells.toArray());
    }
    table.print(context.out());
  }

  private static String object(AuditEventView event) {
    if (event.objectKind() == null) {
      return event.method() + " " + event.path();
    }
    return event.objectKind() + (event.objectName() == null ? "" : " " + event.objectName());
  }

  private static String outcome(AuditEventView event) {
    String text = event.outcome().wireName() + " " + event.status();
    return event.errorCode() == null ? text : text + " " + event.errorCode();
  }
}
