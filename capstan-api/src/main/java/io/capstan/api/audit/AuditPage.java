package io.capstan.api.audit;

import java.util.List;

/**
 * A page of the audit log, newest first.
 *
 * @param events at most {@code limit} events
 * @param nextBefore the {@code before} cursor of the next (older) page, or null when this page is
 *     the last
 */
public record AuditPage(List<AuditEventView> events, Long nextBefore) {
  public AuditPage {
    events = events == null ? List.of() : List.copyOf(events);
  }
}
