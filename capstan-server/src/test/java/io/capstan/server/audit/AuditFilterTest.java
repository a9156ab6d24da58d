package io.capstan.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.server.identity.Caller;
import io.capstan.server.store.TestingDatabase;
import jakarta.servlet.ServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * The filter around a call, with Spring's servlet fakes and a real H2 store: which calls it
 * records, that it never holds an upload, and that the answer is complete only after the event is
 * stored.
 */
class AuditFilterTest {
  private final AuditStore store = new AuditStore(TestingDatabase.h2().jdbc());
  private final AuditFilter filter =
      new AuditFilter(
          new AuditRecorder(store, new Summaries(JsonMapper.builder().build()), Clock.systemUTC()));

  @Test
  void anUploadStreamsPastAndIsRecordedWithoutItsBody() throws Exception {
    byte[] model = new byte[8 * 1024 * 1024];
    MockHttpServletRequest request =
        request(
            "POST", "/api/v1/projects/vision/models/churn/versions", "application/octet-stream");
    request.setContent(model);
    AtomicReference<ServletRequest> seen = new AtomicReference<>();
    MockHttpServletResponse response = new MockHttpServletResponse();

    filter.doFilter(
        request,
        response,
        (req, res) -> {
          seen.set(req);
          assertThat(req.getInputStream().readAllBytes()).hasSize(model.length);
          ((jakarta.servlet.http.HttpServletResponse) res).setStatus(201);
        });

    assertThat(seen.get()).as("the body is not wrapped, so nothing copies it").isSameAs(request);
    AuditEvent event = only();
    assertThat(event.objectKind()).isEqualTo("version");
    assertThat(event.objectName()).isEqualTo("churn");
    assertThat(event.after()).isNull();
    assertThat(event.actor()).isEqualTo("alice");
  }

  @Test
  void aJsonBodyIsSummarizedAsTheControllerReadsItAndTheAnswerWaitsForTheEvent() throws Exception {
    MockHttpServletRequest request =
        request("PUT", "/api/v1/projects/vision/members", "application/json");
    request.setContent("{\"user\":\"bob\",\"role\":\"editor\"}".getBytes(StandardCharsets.UTF_8));
    MockHttpServletResponse response = new MockHttpServletResponse();

    filter.doFilter(
        request,
        response,
        (req, res) -> {
          req.getInputStream().readAllBytes();
          res.getOutputStream().write("{}".getBytes(StandardCharsets.UTF_8));
          res.getOutputStream().flush();
          res.flushBuffer();
        });

    assertThat(response.isCommitted()).as("flushes are held until the event is stored").isFalse();
    AuditEvent event = only();
    assertThat(event.objectKind()).isEqualTo("member");
    assertThat(event.objectName()).isEqualTo("bob");
    assertThat(event.after()).isEqualTo("{\"user\":\"bob\",\"role\":\"editor\"}");
    assertThat(event.status()).isEqualTo(200);
  }

  @Test
  void aFailingCallIsRecordedAsFailedAndItsErrorPropagates() {
    MockHttpServletRequest request = request("DELETE", "/api/v1/projects/vision/jobs/train", null);

    assertThatThrownBy(
            () ->
                filter.doFilter(
                    request,
                    new MockHttpServletResponse(),
                    (req, res) -> {
                      throw new IOException("disk gone");
                    }))
        .hasMessage("disk gone");

    AuditEvent event = only();
    assertThat(event.outcome().wireName()).isEqualTo("failed");
    assertThat(event.status()).isEqualTo(500);
    assertThat(event.errorCode()).isEqualTo("INTERNAL");
  }

  @Test
  void readsAndPathsOutsideTheApiAreNotRecorded() throws Exception {
    filter.doFilter(
        request("GET", "/api/v1/projects/vision/jobs", null),
        new MockHttpServletResponse(),
        (req, res) -> {});
    filter.doFilter(
        request("POST", "/serving/vision/churn/v2/models/m/infer", "application/json"),
        new MockHttpServletResponse(),
        (req, res) -> {});

    assertThat(store.query(AuditQuery.all(10)).events()).isEmpty();
  }

  private static MockHttpServletRequest request(String method, String path, String contentType) {
    MockHttpServletRequest request = new MockHttpServletRequest(method, path);
    request.setServletPath(path);
    request.setContentType(contentType);
    request.addHeader("Authorization", "Bearer cap_x");
    request.setAttribute(Caller.class.getName(), new Caller("alice", false));
    return request;
  }

  private AuditEvent only() {
    List<AuditEvent> events = store.query(AuditQuery.all(10)).events();
    assertThat(events).hasSize(1);
    return events.get(0);
  }
}
