package io.capstan.server.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Jupyter kernel's channels over a real WebSocket (java.net.http), as a notebook page talks to
 * it: sends {@code execute_request}s and reads the kernel's messages for them.
 */
final class TestingKernel implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final WebSocket socket;
  private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
  private final String session = UUID.randomUUID().toString();

  private TestingKernel(URI channels, Map<String, String> headers) {
    WebSocket.Builder builder =
        HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    headers.forEach(builder::header);
    this.socket =
        builder
            .buildAsync(
                URI.create(channels + "?session_id=" + session),
                new WebSocket.Listener() {
                  private final StringBuilder text = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(
                      WebSocket webSocket, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                      messages.add(JSON.readTree(text.toString()));
                      text.setLength(0);
                    }
                    webSocket.request(1);
                    return null;
                  }
                })
            .join();
  }

  /**
   * The channels of kernel {@code kernel} of the Jupyter whose base URL is {@code base} ({@code
   * http://host:port/notebooks/p/n/}), with {@code headers} on the handshake.
   */
  static TestingKernel connect(String base, String kernel, Map<String, String> headers) {
    String ws = base.replaceFirst("^http", "ws");
    return new TestingKernel(URI.create(ws + "api/kernels/" + kernel + "/channels"), headers);
  }

  /** Sends {@code code} to run; returns the request's message id. */
  String execute(String code) {
    String id = UUID.randomUUID().toString();
    Map<String, Object> message =
        Map.of(
            "header",
            Map.of(
                "msg_id", id,
                "username", "test",
                "session", session,
                "msg_type", "execute_request",
                "version", "5.3"),
            "parent_header",
            Map.of(),
            "metadata",
            Map.of(),
            "content",
            Map.of(
                "code", code,
                "silent", false,
                "store_history", false,
                "user_expressions", Map.of(),
                "allow_stdin", false,
                "stop_on_error", true),
            "channel",
            "shell",
            "buffers",
            java.util.List.of());
    socket.sendText(JSON.writeValueAsString(message), true).join();
    return id;
  }

  /** What the request {@code id} printed on stdout, waiting at most {@code timeout}. */
  String stdout(String id, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode message = messages.poll(100, TimeUnit.MILLISECONDS);
      if (message != null
          && id.equals(message.path("parent_header").path("msg_id").asString())
          && "stream".equals(message.path("header").path("msg_type").asString())) {
        return message.path("content").path("text").asString();
      }
    }
    throw new AssertionError("No output of " + id + " within " + timeout);
  }

  /** Runs {@code code} and returns what it printed. */
  String run(String code, Duration timeout) throws InterruptedException {
    return stdout(execute(code), timeout);
  }

  @Override
  public void close() {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null).join();
  }
}
