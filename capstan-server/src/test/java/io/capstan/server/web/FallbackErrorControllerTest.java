package io.capstan.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorBody;
import io.capstan.api.error.ErrorCode;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;

/** The error page answers with the original error's status, and 404 to a request of its own. */
class FallbackErrorControllerTest {
  private final FallbackErrorController controller = new FallbackErrorController();

  @Test
  void aRequestForTheErrorPathIsNotFound() {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/error");

    ResponseEntity<ErrorBody> answer = controller.error(request);

    assertThat(answer.getStatusCode().value()).isEqualTo(404);
    assertThat(answer.getBody().code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(answer.getBody().message()).contains("nothing at GET /error");
  }

  @Test
  void aCapstanErrorFromAFilterKeepsItsCodeAndStatus() {
    MockHttpServletRequest request = errorDispatch("POST", "/api/v1/projects", 500);
    request.setAttribute(
        RequestDispatcher.ERROR_EXCEPTION,
        new CapstanException(ErrorCode.PERMISSION_DENIED, "Expected an admin, but was alice"));

    ResponseEntity<ErrorBody> answer = controller.error(request);

    assertThat(answer.getStatusCode().value()).isEqualTo(403);
    assertThat(answer.getBody().code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(answer.getBody().message()).isEqualTo("Expected an admin, but was alice");
  }

  @Test
  void aContainerErrorKeepsItsStatus() {
    ResponseEntity<ErrorBody> answer =
        controller.error(errorDispatch("PUT", "/api/v1/projects/x", 400));

    assertThat(answer.getStatusCode().value()).isEqualTo(400);
    assertThat(answer.getBody().message()).contains("PUT /api/v1/projects/x failed with 400");
  }

  @Test
  void anUnexpectedFailureIsAnInternalErrorWithoutItsDetails() {
    MockHttpServletRequest request = errorDispatch("GET", "/api/v1/top", 500);
    request.setAttribute(
        RequestDispatcher.ERROR_EXCEPTION, new IllegalStateException("secret detail"));

    ResponseEntity<ErrorBody> answer = controller.error(request);

    assertThat(answer.getStatusCode().value()).isEqualTo(500);
    assertThat(answer.getBody().code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(answer.getBody().message()).doesNotContain("secret detail");
  }

  /** What Tomcat hands the error page: a GET dispatch with the original request's attributes. */
  private static MockHttpServletRequest errorDispatch(String method, String uri, int status) {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/error");
    request.setDispatcherType(DispatcherType.ERROR);
    request.setAttribute("jakarta.servlet.error.method", method);
    request.setAttribute(RequestDispatcher.ERROR_REQUEST_URI, uri);
    request.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, status);
    return request;
  }
}
