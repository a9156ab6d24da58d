package io.capstan.server.web;

import io.capstan.api.error.ErrorBody;
import io.capstan.api.error.ErrorCode;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors that never reached a controller (a failing filter, a container error page) answer in the
 * same {@link ErrorBody} format as the rest of the API, instead of Spring Boot's own.
 */
@RestController
public class FallbackErrorController implements ErrorController {
  @RequestMapping("${server.error.path:/error}")
  ResponseEntity<ErrorBody> error(HttpServletRequest request) {
    Object failure = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
    if (failure instanceof Exception e && ErrorMapping.clientWentAway(e)) {
      // Servlet 6.1 dispatches errors as GET and keeps the original method in an attribute.
      Object method = request.getAttribute("jakarta.servlet.error.method");
      ErrorMapping.disconnected(
          e,
          request,
          (method == null ? request.getMethod() : method)
              + " "
              + request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI));
      return null;
    }
    if (failure instanceof Exception e) {
      return ErrorMapping.internal(e, request);
    }
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = code instanceof Integer value ? value : 500;
    Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    HttpStatus known = HttpStatus.resolve(status);
    ErrorCode errorCode = ErrorMapping.codeOf(status);
    return ErrorMapping.answer(
        new ErrorBody(
            errorCode,
            errorCode.family(),
            status,
            "Expected a request the server can answer, but "
                + (uri == null ? "it" : uri)
                + " failed with "
                + status
                + (known == null ? "" : " " + known.getReasonPhrase()),
            null));
  }
}
