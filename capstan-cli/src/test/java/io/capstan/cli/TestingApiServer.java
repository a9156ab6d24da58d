package io.capstan.cli;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A fake Capstan API server on a random loopback port: records every request and answers with
 * canned responses per method and path. Several responses for one route are served in order, the
 * last one repeating. An unknown route answers 404 with an ErrorBody.
 */
public final class TestingApiServer implements AutoCloseable {
  /** Answers one exchange; for responses a canned body cannot express, such as a stream. */
  @FunctionalInterface
  public interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }

  /** A request as the server received it. */
  public record RecordedRequest(
      String method, String path, String query, Map<String, List<String>> headers, String body) {
    /** The first value of a header, or null. */
    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  private final HttpServer server;
  private final Map<String, Deque<Handler>> routes = new ConcurrentHashMap<>();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

  private TestingApiServer(HttpServer server) {
    this.server = server;
  }

  public static TestingApiServer start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      TestingApiServer api = new TestingApiServer(server);
      server.createContext("/", api::dispatch);
      server.setExecutor(Executors.newCachedThreadPool());
      server.start();
      return api;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers {@code method path} with {@code status} and a JSON body (none when null). */
  public TestingApiServer respond(String method, String path, int status, String json) {
    return handle(method, path, exchange -> send(exchange, status, "application/json", json));
  }

  /** Answers {@code method path} with a custom handler. */
  public TestingApiServer handle(String method, String path, Handler handler) {
    routes
        .computeIfAbsent(method + " " + path, k -> new ArrayDeque<>())
        .addLast(requireNonNull(handler, "handler is null"));
    return this;
  }

  /** Answers with an ErrorBody as the real server does. */
  public TestingApiServer fail(
      String method, String path, int status, String code, String message, String field) {
    String body =
        "{\"code\":\""
            + code
            + "\",\"family\":\"USER_ERROR\",\"status\":"
            + status
            + ",\"message\":\""
            + message.replace("\"", "\\\"")
            + "\",\"field\":"
            + (field == null ? "null" : "\"" + field + "\"")
            + "}";
    return respond(method, path, status, body);
  }

  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  public RecordedRequest lastRequest() {
    if (requests.isEmpty()) {
      throw new AssertionError("Expected a request, but the server received none");
    }
    return requests.get(requests.size() - 1);
  }

  public static void send(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (contentType != null && bytes.length > 0) {
      exchange.getResponseHeaders().add("Content-Type", contentType);
    }
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void dispatch(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String path = exchange.getRequestURI().getRawPath();
      requests.add(
          new RecordedRequest(
              exchange.getRequestMethod(),
              path,
              exchange.getRequestURI().getRawQuery(),
              Map.copyOf(exchange.getRequestHeaders()),
              body));
      Handler handler = next(exchange.getRequestMethod() + " " + path);
      if (handler == null) {
        send(
            exchange,
            404,
            "application/json",
            "{\"code\":\"NOT_FOUND\",\"family\":\"USER_ERROR\",\"status\":404,"
                + "\"message\":\"No canned answer for "
                + exchange.getRequestMethod()
                + " "
                + path
                + "\",\"field\":null}");
        return;
      }
      handler.handle(exchange);
    }
  }

  private Handler next(String route) {
    Deque<Handler> handlers = routes.get(route);
    if (handlers == null) {
      return null;
    }
    synchronized (handlers) {
      return handlers.size() > 1 ? handlers.pollFirst() : handlers.peekFirst();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
