package io.capstan.server.audit;

import io.capstan.api.error.CapstanException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * First of the exception resolvers: notes a refused call's error code and message on its audit
 * event, and leaves the answer to the error mapping (it resolves nothing). Authentication failures
 * pass here too: the bearer filter answers them through the same resolvers.
 */
final class AuditErrors implements HandlerExceptionResolver {
  @Override
  public ModelAndView resolveException(
      HttpServletRequest request, HttpServletResponse response, Object handler, Exception e) {
    AuditNote note = AuditFilter.noteOf(request);
    if (note != null && e instanceof CapstanException error) {
      note.refusedWith(error);
    }
    return null;
  }
}
