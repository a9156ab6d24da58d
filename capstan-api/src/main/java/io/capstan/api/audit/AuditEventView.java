package io.capstan.api.audit;

import java.time.Instant;
import java.util.Map;

/**
 * One recorded state-changing call.
 *
 * @param id increasing with time; the paging cursor ({@code before})
 * @param at when the call ended
 * @param actor the authenticated user, or {@code anonymous} when authentication failed
 * @param authMethod how the caller authenticated: {@code token}, another scheme's name, {@code
 *     session} (without an {@code Authorization} header, by a sign-in cookie), or {@code none}
 * @param remoteAddress the client's address as the server saw it
 * @param method the HTTP method
 * @param path the request path, without the query
 * @param project the project the call was about, or null (users, tokens, a new project's name)
 * @param objectKind {@code job}, {@code quota}, {@code member}, {@code token}, {@code service},
 *     {@code model}, {@code version}, {@code alias}, {@code user}, {@code project}; null for a path
 *     outside the API
 * @param objectName the object's name: within the project, or {@code PARENT/NAME} for a nested
 *     object ({@code churn/3} for version 3 of model churn); null when unknown
 * @param action {@code create}, {@code set}, {@code update}, {@code delete}, or the call's verb
 *     ({@code cancel}, {@code promote}, {@code rollback}, {@code set-traffic})
 * @param outcome allowed, refused or failed
 * @param status the HTTP status answered
 * @param errorCode the API error code when the call was not allowed, else null
 * @param message the error message the caller got, else null
 * @param before what the object was, where the feature records it (a quota, a job's phase); secrets
 *     are redacted
 * @param after what it became or what was asked (a small JSON request body); secrets are redacted
 */
public record AuditEventView(
    long id,
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
    Map<String, Object> before,
    Map<String, Object> after) {}
