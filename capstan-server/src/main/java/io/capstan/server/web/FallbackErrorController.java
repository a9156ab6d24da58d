package io.capstan.server.web;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorBody;
import io.capstan.api.error.ErrorCode;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors that never reached a controller (a failing filter, a container error page) answer in the
 * same {@link ErrorBody} format as the rest of the API, instead of Spring Boot's own, with the
 * status of the original error. The error path is no endpoint: a request for it answers 404 like
 * any unknown path, and it is not in the OpenAPI document.
 */
@Hidden
@RestController
public class FallbackErrorController implements ErrorController {
  /** Servlet 6.1 dispatches errors as GET and keeps the original method here. */
  private static final String ERROR_METHOD = "jakarta.servlet.error.method";

  @RequestMapping("${server.error.path:/error}")
  ResponseEntity<ErrorBody> error(HttpServletRequest request) {
    if (request.getDispatcherType() != DispatcherType.ERROR) {
      return ErrorMapping.answer(
          ErrorCode.NOT_FOUND,
          null,
          "Expected a path of the Capstan API, but there is nothing at "
              + request.getMethod()
              + " "
              + request.getRequestURI());
    }
    Object method = request.getAttribute(ERROR_METHOD);
    Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    String original = (method == null ? request.getMethod() : method) + " " + uri;
    Object failure = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
    if (failure instanceof Exception e && ErrorMapping.clientWentAway(e)) {
      ErrorMapping.disconnected(e, request, original);
      return null;
    }
    if (failure instanceof CapstanException e) {
      return ErrorMapping.capstan(e, original);
    }
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = code instanceof Integer value ? value : 500;
    if (failure instanceof Exception e && status >= 500) {
      return ErrorMapping.internal(e, original);
    }
    HttpStatus known = HttpStatus.resolve(status);
    ErrorCode errorCode = ErrorMapping.codeOf(status);
    return ErrorMapping.answer(
        new ErrorBody(
            errorCode,
            errorCode.family(),
            status,
            "Expected a request the server can answer, but "
                + original
                + " failed with "
                + status
                + (known == null ? "" : " " + known.getReasonPhrase()),
            null));
  }
}
