package io.capstan.server.audit;

import static java.util.Objects.requireNonNull;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingRequestWrapper;

/**
 * Records every state-changing API call ({@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE}
 * under {@code /api/}), allowed or refused, authentication failures included: it runs outside the
 * bearer filter. Nothing is buffered: a JSON body is copied, up to {@value #BODY_BYTES} bytes, only
 * as the controller reads it, and any other body (a model upload) streams past untouched.
 */
final class AuditFilter extends OncePerRequestFilter {
  static final int BODY_BYTES = 4096;
  private static final String NOTE = AuditNote.class.getName();
  private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

  private final AuditRecorder recorder;

  AuditFilter(AuditRecorder recorder) {
    this.recorder = requireNonNull(recorder, "recorder is null");
  }

  /** The note of the request's audit event, or null when the request is not audited. */
  static AuditNote noteOf(HttpServletRequest request) {
    return request != null && request.getAttribute(NOTE) instanceof AuditNote note ? note : null;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !AuditRecorder.path(request).startsWith("/api/")
        || !STATE_CHANGING.contains(request.getMethod());
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    AuditNote note = new AuditNote();
    request.setAttribute(NOTE, note);
    HttpServletRequest audited =
        isJson(request.getContentType())
            ? new ContentCachingRequestWrapper(request, BODY_BYTES)
            : request;
    HeldResponse held = new HeldResponse(response);
    try {
      chain.doFilter(audited, held);
    } catch (IOException | ServletException | RuntimeException e) {
      recorder.record(audited, note, HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
      throw e;
    }
    if (audited.isAsyncStarted()) {
      audited.getAsyncContext().addListener(new RecordAtEnd(audited, note, held));
    } else {
      recorder.record(audited, note, held.getStatus());
    }
  }

  private static boolean isJson(String contentType) {
    return contentType != null && contentType.toLowerCase(Locale.ROOT).contains("json");
  }

  /** Records an asynchronous call once it has completed, with its final status. */
  private final class RecordAtEnd implements AsyncListener {
    private final HttpServletRequest request;
    private final AuditNote note;
    private final HttpServletResponse response;

    RecordAtEnd(HttpServletRequest request, AuditNote note, HttpServletResponse response) {
      this.request = request;
      this.note = note;
      this.response = response;
    }

    @Override
    public void onComplete(AsyncEvent event) {
      recorder.record(request, note, response.getStatus());
    }

    @Override
    public void onTimeout(AsyncEvent event) {}

    @Override
    public void onError(AsyncEvent event) {}

    @Override
    public void onStartAsync(AsyncEvent event) {}
  }
}
