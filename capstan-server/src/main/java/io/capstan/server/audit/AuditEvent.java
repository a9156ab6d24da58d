package io.capstan.server.audit;

import static java.util.Objects.requireNonNull;

import io.capstan.api.audit.AuditOutcome;
import java.time.Instant;

/**
 * One state-changing call as the audit log stores it; longer texts are cut to their column's size.
 *
 * @param id the row's id, null before it is appended
 * @param before JSON object text or null, secrets already redacted
 * @param after JSON object text or null, secrets already redacted
 */
public record AuditEvent(
    Long id,
    Instant at,
    String actor,
    String authMethod,
    String remoteAddress,
    String method,
    String path,
    String project,
    String objectKind,
    String objectName,
    String action,
    AuditOutcome outcome,
    int status,
    String errorCode,
    String message,
    String before,
    String after) {
  public AuditEvent {
    requireNonNull(at, "at is null");
    requireNonNull(outcome, "outcome is null");
    actor = clip(requireNonNull(actor, "actor is null"), 64);
    authMethod = clip(requireNonNull(authMethod, "authMethod is null"), 32);
    remoteAddress = clip(requireNonNull(remoteAddress, "remoteAddress is null"), 64);
    method = clip(requireNonNull(method, "method is null"), 16);
    path = clip(requireNonNull(path, "path is null"), 1000);
    action = clip(requireNonNull(action, "action is null"), 32);
    project = clip(project, 64);
    objectKind = clip(objectKind, 32);
    objectName = clip(objectName, 256);
    errorCode = clip(errorCode, 32);
    message = clip(message, 1000);
  }

  private static String clip(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max - 3) + "...";
  }
}
