package io.capstan.server.audit;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.audit.AuditEventView;
import io.capstan.api.audit.AuditOutcome;
import io.capstan.api.audit.AuditPage;
import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.identity.ProjectRole;
import io.capstan.server.identity.Access;
import io.capstan.server.identity.Caller;
import io.capstan.server.identity.Membership;
import io.capstan.server.identity.ProjectStore;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reading the audit log: installation admins read every event, project admins the events of their
 * projects; nobody writes it through the API.
 */
@RestController
public class AuditResource {
  static final int DEFAULT_LIMIT = 100;

  private final AuditStore store;
  private final Access access;
  private final ProjectStore projects;
  private final Summaries summaries;

  AuditResource(AuditStore store, Access access, ProjectStore projects, Summaries summaries) {
    this.store = requireNonNull(store, "store is null");
    this.access = requireNonNull(access, "access is null");
    this.projects = requireNonNull(projects, "projects is null");
    this.summaries = requireNonNull(summaries, "summaries is null");
  }

  @GetMapping(ApiPaths.AUDIT)
  public AuditPage list(
      Caller caller,
      @RequestParam(required = false) String project,
      @RequestParam(required = false) String user,
      @RequestParam(required = false) String action,
      @RequestParam(required = false) String kind,
      @RequestParam(required = false) String outcome,
      @RequestParam(required = false) String since,
      @RequestParam(required = false) String until,
      @RequestParam(required = false) String before,
      @RequestParam(required = false) String limit) {
    Set<String> visible = null;
    if (!caller.admin()) {
      visible = administered(caller);
      if (project != null && !visible.contains(project)) {
        access.requireProject(caller, project, ProjectRole.ADMIN);
      }
      if (visible.isEmpty()) {
        throw new CapstanException(
            ErrorCode.PERMISSION_DENIED,
            "Expected an installation admin or a project admin, but user '"
                + caller.user()
                + "' administers no project");
      }
    }
    return page(visible, project, user, action, kind, outcome, since, until, before, limit);
  }

  @GetMapping(ApiPaths.PROJECT_AUDIT)
  public AuditPage listProject(
      Caller caller,
      @PathVariable String project,
      @RequestParam(required = false) String user,
      @RequestParam(required = false) String action,
      @RequestParam(required = false) String kind,
      @RequestParam(required = false) String outcome,
      @RequestParam(required = false) String since,
      @RequestParam(required = false) String until,
      @RequestParam(required = false) String before,
      @RequestParam(required = false) String limit) {
    access.requireProject(caller, project, ProjectRole.ADMIN);
    return page(Set.of(project), project, user, action, kind, outcome, since, until, before, limit);
  }

  private AuditPage page(
      Set<String> visible,
      String project,
      String user,
      String action,
      String kind,
      String outcome,
      String since,
      String until,
      String before,
      String limit) {
    AuditOutcome wanted = null;
    if (outcome != null) {
      wanted = AuditOutcome.fromWire(outcome);
      if (wanted == null) {
        throw invalid("outcome", "one of allowed, refused, failed", outcome);
      }
    }
    AuditStore.Page page =
        store.query(
            new AuditQuery(
                visible,
                project,
                user,
                action,
                kind,
                wanted,
                instant("since", since),
                instant("until", until),
                before == null ? null : number("before", before, 1, Long.MAX_VALUE),
                limit == null
                    ? DEFAULT_LIMIT
                    : (int) number("limit", limit, 1, AuditQuery.MAX_LIMIT)));
    return new AuditPage(page.events().stream().map(this::view).toList(), page.nextBefore());
  }

  private Set<String> administered(Caller caller) {
    return projects.memberships(caller.user()).stream()
        .filter(m -> m.role() == ProjectRole.ADMIN)
        .map(Membership::project)
        .collect(Collectors.toSet());
  }

  private AuditEventView view(AuditEvent e) {
    return new AuditEventView(
        e.id(),
        e.at(),
        e.actor(),
        e.authMethod(),
        e.remoteAddress(),
        e.method(),
        e.path(),
        e.project(),
        e.objectKind(),
        e.objectName(),
        e.action(),
        e.outcome(),
        e.status(),
        e.errorCode(),
        e.message(),
        summaries.parse(e.before()),
        summaries.parse(e.after()));
  }

  private static Instant instant(String field, String text) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw invalid(field, "an ISO-8601 instant such as 2026-12-06T13:00:00Z", text);
    }
  }

  private static long number(String field, String text, long min, long max) {
    try {
      long value = Long.parseLong(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below, with the range
    }
    throw invalid(field, "a whole number from " + min + " to " + max, text);
  }

  private static CapstanException invalid(String field, String expected, String found) {
    return new CapstanException(
        ErrorCode.INVALID_ARGUMENT,
        field,
        "Expected " + field + " to be " + expected + ", but was '" + found + "'");
  }
}
