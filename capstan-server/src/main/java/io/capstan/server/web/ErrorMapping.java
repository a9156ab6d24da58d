package io.capstan.server.web;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorBody;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.error.ErrorFamily;
import jakarta.servlet.http.HttpServletRequest;
import java.net.SocketException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.springframework.web.util.DisconnectedClientHelper;
import tools.jackson.core.JacksonException;

/**
 * The one error format of the REST API: every failure of a request becomes an {@link ErrorBody}
 * with the status of its code. Internal errors are logged with their causes and answered with a
 * generic message and an id to find them in the log; their details are never echoed.
 */
@RestControllerAdvice
public class ErrorMapping {
  private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);
  private static final String DISCONNECT_LOGGED = ErrorMapping.class.getName() + ".disconnect";

  @ExceptionHandler(CapstanException.class)
  ResponseEntity<ErrorBody> capstan(CapstanException e, HttpServletRequest request) {
    return capstan(e, describe(request));
  }

  /** A Capstan error of the request {@code description} ({@code METHOD PATH}), by its code. */
  static ResponseEntity<ErrorBody> capstan(CapstanException e, String description) {
    if (e.code().family() == ErrorFamily.INTERNAL_ERROR) {
      log.error("{} answered {}: {}", description, e.code(), e.getMessage(), e);
    }
    return answer(ErrorBody.of(e));
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<ErrorBody> unreadable(HttpMessageNotReadableException e) {
    JacksonException json = cause(e, JacksonException.class);
    if (json == null) {
      // Spring's own message names the controller method; say what was expected instead.
      return answer(
          ErrorCode.INVALID_ARGUMENT,
          "body",
          "Malformed request body: expected a JSON document, but the body was missing or"
              + " unreadable");
    }
    String field = fieldPath(json);
    String where =
        json.getLocation() == null || json.getLocation().getLineNr() < 0
            ? ""
            : " (line "
                + json.getLocation().getLineNr()
                + ", column "
                + json.getLocation().getColumnNr()
                + ")";
    return answer(
        ErrorCode.INVALID_ARGUMENT,
        field == null ? "body" : field,
        "Malformed request body: " + withoutPackages(json.getOriginalMessage()) + where);
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<ErrorBody> mediaType(HttpMediaTypeNotSupportedException e) {
    return answer(
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        null,
        "Expected Content-Type "
            + MediaType.toString(e.getSupportedMediaTypes())
            + ", but was "
            + (e.getContentType() == null ? "none" : "'" + e.getContentType() + "'"));
  }

  @ExceptionHandler(MissingServletRequestParameterException.class)
  ResponseEntity<ErrorBody> missingParameter(MissingServletRequestParameterException e) {
    return answer(
        ErrorCode.INVALID_ARGUMENT,
        e.getParameterName(),
        "Expected query parameter '" + e.getParameterName() + "', but it was missing");
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<ErrorBody> typeMismatch(MethodArgumentTypeMismatchException e) {
    String type = e.getRequiredType() == null ? "value" : e.getRequiredType().getSimpleName();
    return answer(
        ErrorCode.INVALID_ARGUMENT,
        e.getName(),
        "Expected " + e.getName() + " to be a " + type + ", but was '" + e.getValue() + "'");
  }

  @ExceptionHandler({NoResourceFoundException.class, NoHandlerFoundException.class})
  ResponseEntity<ErrorBody> noSuchPath(Exception e, HttpServletRequest request) {
    return answer(
        ErrorCode.NOT_FOUND,
        null,
        "Expected a path of the Capstan API, but there is nothing at "
            + request.getMethod()
            + " "
            + request.getRequestURI());
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<ErrorBody> method(
      HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
    String allowed =
        e.getSupportedHttpMethods() == null ? "" : String.join(", ", e.getSupportedMethods());
    ErrorBody body =
        new ErrorBody(
            ErrorCode.INVALID_ARGUMENT,
            ErrorCode.INVALID_ARGUMENT.family(),
            HttpStatus.METHOD_NOT_ALLOWED.value(),
            "Expected one of "
                + allowed
                + " on "
                + request.getRequestURI()
                + ", but was "
                + e.getMethod(),
            null);
    return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED)
        .header(HttpHeaders.ALLOW, allowed)
        .contentType(MediaType.APPLICATION_JSON)
        .body(body);
  }

  /** The client went away mid-answer (e.g. a followed log); there is nobody to answer. */
  @ExceptionHandler(AsyncRequestNotUsableException.class)
  void clientGone(AsyncRequestNotUsableException e, HttpServletRequest request) {
    disconnected(e, request, describe(request));
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ErrorBody> other(Exception e, HttpServletRequest request) {
    if (clientWentAway(e)) {
      disconnected(e, request, describe(request));
      return null;
    }
    if (e instanceof ErrorResponse response) {
      return spring(e, response, request);
    }
    return internal(e, request);
  }

  /** Spring's other request errors (missing header, timeouts ...), by their status. */
  private static ResponseEntity<ErrorBody> spring(
      Exception e, ErrorResponse response, HttpServletRequest request) {
    int status = response.getStatusCode().value();
    if (status >= 500) {
      return internal(e, request);
    }
    ErrorCode code = codeOf(status);
    String detail = response.getBody().getDetail();
    return answer(
        new ErrorBody(
            code,
            code.family(),
            status,
            detail == null ? "Expected a valid request, but it failed with " + status : detail,
            null));
  }

  /**
   * Whether {@code e} says the client hung up: Spring's list (Tomcat's ClientAbortException, broken
   * pipe, connection reset by peer ...), or a reset read while Tomcat was reading a request body.
   */
  static boolean clientWentAway(Throwable e) {
    if (DisconnectedClientHelper.isClientDisconnectedException(e)) {
      return true;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SocketException && String.valueOf(t.getMessage()).contains("reset")) {
        return true;
      }
    }
    return false;
  }

  /**
   * A client that hung up (Ctrl-C on {@code logs -f}, a timeout on its side) is not a failure of
   * the server: one line naming the request and the root cause, no stack trace, and no answer,
   * since nobody reads it. Once per request: Tomcat may dispatch the same failure to the error page
   * after MVC has seen it.
   */
  static void disconnected(Throwable e, HttpServletRequest request, String description) {
    if (request.getAttribute(DISCONNECT_LOGGED) != null) {
      return;
    }
    request.setAttribute(DISCONNECT_LOGGED, Boolean.TRUE);
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    log.info(
        "Client disconnected before the answer to {} was complete ({}: {})",
        description,
        root.getClass().getSimpleName(),
        root.getMessage());
  }

  static ResponseEntity<ErrorBody> internal(Exception e, HttpServletRequest request) {
    return internal(e, describe(request));
  }

  static ResponseEntity<ErrorBody> internal(Exception e, String description) {
    String id = UUID.randomUUID().toString().substring(0, 8);
    log.error("Internal error {} in {}", id, description, e);
    return answer(
        ErrorCode.INTERNAL,
        null,
        "Internal error " + id + " in Capstan; the server log has the details under this id");
  }

  static ErrorCode codeOf(int status) {
    for (ErrorCode code : ErrorCode.values()) {
      if (code.httpStatus() == status && code != ErrorCode.INVALID_SPEC) {
        return code;
      }
    }
    return status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_ARGUMENT;
  }

  static ResponseEntity<ErrorBody> answer(ErrorCode code, String field, String message) {
    return answer(new ErrorBody(code, code.family(), code.httpStatus(), message, field));
  }

  /** The content type is set, so the answer is JSON even when the request accepted only text. */
  static ResponseEntity<ErrorBody> answer(ErrorBody body) {
    ResponseEntity.BodyBuilder builder =
        ResponseEntity.status(body.status()).contentType(MediaType.APPLICATION_JSON);
    if (body.code() == ErrorCode.UNAUTHENTICATED) {
      builder.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }
    return builder.body(body);
  }

  /** The JSON path of the offending input, {@code members[0].role}, or null at the root. */
  private static String fieldPath(JacksonException e) {
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference reference : e.getPath()) {
      if (reference.getPropertyName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.isEmpty() ? null : path.toString();
  }

  /** {@code `io.capstan.api.identity.ProjectRole`} becomes {@code `ProjectRole`}. */
  private static String withoutPackages(String message) {
    return message == null
        ? "unreadable JSON"
        : message.replaceAll("`(?:[\\w$]+\\.)+([\\w$]+)`", "`$1`");
  }

  private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String describe(HttpServletRequest request) {
    return request.getMethod() + " " + request.getRequestURI();
  }
}
