package io.capstan.server.audit;

import io.capstan.api.audit.AuditOutcome;
import java.time.Instant;
import java.util.Set;

/**
 * Which audit events to read, newest first; a null filter matches everything.
 *
 * @param visibleProjects the projects whose events the reader may see, or null for every event
 *     (installation admins); events without a project are visible only with null
 * @param since events at or after this instant
 * @param until events before this instant
 * @param before events with an id below this one (the paging cursor)
 * @param limit at most this many events, 1 to {@link #MAX_LIMIT}
 */
public record AuditQuery(
    Set<String> visibleProjects,
    String project,
    String actor,
    String action,
    String kind,
    AuditOutcome outcome,
    Instant since,
    Instant until,
    Long before,
    int limit) {
  public static final int MAX_LIMIT = 1000;

  public AuditQuery {
    visibleProjects = visibleProjects == null ? null : Set.copyOf(visibleProjects);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "Expected limit to be between 1 and " + MAX_LIMIT + ", but was " + limit);
    }
  }

  /** Every event, newest first, at most {@code limit}. */
  public static AuditQuery all(int limit) {
    return new AuditQuery(null, null, null, null, null, null, null, null, null, limit);
  }
}
