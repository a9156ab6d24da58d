package io.capstan.server.audit;

import static java.util.Objects.requireNonNull;

import io.capstan.api.audit.AuditOutcome;
import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.server.identity.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.util.ContentCachingRequestWrapper;

/**
 * Builds the audit event of a finished call from its request, its {@link AuditNote} and its status,
 * and appends it. A failure to store is logged and does not fail the call, which has already
 * happened.
 */
final class AuditRecorder {
  private static final Logger log = LoggerFactory.getLogger(AuditRecorder.class);
  static final String ANONYMOUS = "anonymous";
  private static final java.util.Set<String> UNKEPT_BODIES =
      java.util.Set.of("job", "secret", "configmap");

  private final AuditStore store;
  private final Summaries summaries;
  private final Clock clock;

  AuditRecorder(AuditStore store, Summaries summaries, Clock clock) {
    this.store = requireNonNull(store, "store is null");
    this.summaries = requireNonNull(summaries, "summaries is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  void record(HttpServletRequest request, AuditNote note, int status) {
    try {
      store.append(event(request, note, status));
    } catch (RuntimeException e) {
      log.error(
          "Could not store the audit event of {} {} (answered {})",
          request.getMethod(),
          path(request),
          status,
          e);
    }
  }

  AuditEvent event(HttpServletRequest request, AuditNote note, int status) {
    String path = path(request);
    ApiTarget target = ApiTarget.of(request.getMethod(), path);
    // A job spec may carry secrets in values that no field name gives away, and secrets and
    // config maps are nothing but values: their bodies are never kept (the controllers note the
    // keys).
    String body =
        target.kind() != null
                && !UNKEPT_BODIES.contains(target.kind())
                && request instanceof ContentCachingRequestWrapper cached
            ? summaries.ofBody(cached.getContentAsByteArray(), whole(cached))
            : null;
    String kind = note.kind() != null ? note.kind() : target.kind();
    String name = note.name() != null ? note.name() : target.nameWith(summaries.nameIn(body));
    AuditOutcome outcome = AuditOutcome.of(status);
    String project = target.project();
    if (project == null && "project".equals(kind) && outcome == AuditOutcome.ALLOWED) {
      project = name; // a new project: its admins see its creation
    }
    CapstanException error = outcome == AuditOutcome.ALLOWED ? null : note.error();
    Caller caller =
        request.getAttribute(Caller.class.getName()) instanceof Caller found ? found : null;
    return new AuditEvent(
        null,
        clock.instant(),
        caller == null ? ANONYMOUS : caller.user(),
        authMethod(request.getHeader("Authorization"), caller != null),
        String.valueOf(request.getRemoteAddr()),
        request.getMethod(),
        path,
        project,
        kind,
        name,
        target.action(),
        outcome,
        status,
        outcome == AuditOutcome.ALLOWED
            ? null
            : error != null ? error.code().name() : codeOf(status).name(),
        error == null ? null : error.getMessage(),
        summaries.of(note.before()),
        note.after() != null ? summaries.of(note.after()) : body);
  }

  /** The path as the container decoded and normalized it, without the query. */
  static String path(HttpServletRequest request) {
    return request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
  }

  /**
   * {@code token} for a bearer token, the scheme's name for another; without the header, {@code
   * session} when the caller was authenticated anyway (a sign-in cookie), else {@code none}.
   */
  static String authMethod(String authorization, boolean authenticated) {
    if (authorization == null || authorization.isBlank()) {
      return authenticated ? "session" : "none";
    }
    String scheme = authorization.strip().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
    return scheme.equals("bearer") ? "token" : scheme;
  }

  private static boolean whole(ContentCachingRequestWrapper request) {
    int read = request.getContentAsByteArray().length;
    return read < AuditFilter.BODY_BYTES || read == request.getContentLengthLong();
  }

  /** The code of a refusal that was not a Capstan error (the error mapping's choice by status). */
  private static ErrorCode codeOf(int status) {
    for (ErrorCode code : ErrorCode.values()) {
      if (code.httpStatus() == status && code != ErrorCode.INVALID_SPEC) {
        return code;
      }
    }
    return status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_ARGUMENT;
  }
}
