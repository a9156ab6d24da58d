package io.capstan.server.audit;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Gives a controller method's {@code AuditNote} parameter the note of its request's audit event, or
 * a note nobody reads when the request is not audited.
 */
final class AuditNoteResolver implements HandlerMethodArgumentResolver {
  @Override
  public boolean supportsParameter(MethodParameter parameter) {
    return parameter.getParameterType() == AuditNote.class;
  }

  @Override
  public AuditNote resolveArgument(
      MethodParameter parameter,
      ModelAndViewContainer mavContainer,
      NativeWebRequest request,
      WebDataBinderFactory binderFactory) {
    AuditNote note = AuditFilter.noteOf(request.getNativeRequest(HttpServletRequest.class));
    return note == null ? new AuditNote() : note;
  }
}
