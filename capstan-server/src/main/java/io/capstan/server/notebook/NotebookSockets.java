package io.capstan.server.notebook;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays a notebook's WebSockets (kernel channels, terminals): the proxy has authenticated the
 * browser; this opens the same path on the notebook's server with its token, then upgrades the
 * browser's request (the servlet container's Jakarta WebSocket) and copies frames both ways as they
 * come, fragments included, in order. A frame from the browser counts as activity; closing either
 * side closes the other.
 */
final class NotebookSockets {
  private static final Logger log = LoggerFactory.getLogger(NotebookSockets.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_FRAGMENT = 1 << 20;

  private final HttpClient http;
  private final IdleCuller culler;

  NotebookSockets(HttpClient http, IdleCuller culler) {
    this.http = http;
    this.culler = culler;
  }

  void relay(
      HttpServletRequest request, HttpServletResponse response, NotebookService.Target target)
      throws IOException {
    ServerContainer container =
        (ServerContainer) request.getServletContext().getAttribute(ServerContainer.class.getName());
    if (container == null) {
      throw new CapstanException(
          ErrorCode.UNAVAILABLE,
          "Expected the servlet container to offer WebSockets, but it does not");
    }
    String query = request.getQueryString();
    URI base = target.base();
    URI uri =
        URI.create(
            "ws://"
                + base.getAuthority()
                + request.getRequestURI()
                + (query == null ? "" : "?" + query));
    Relay relay = new Relay(target.uid());
    WebSocket upstream;
    try {
      upstream =
          http.newWebSocketBuilder()
              .header("Authorization", "token " + target.token())
              .connectTimeout(CONNECT_TIMEOUT)
              .buildAsync(uri, relay)
              .get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new CapstanException(
          ErrorCode.UNAVAILABLE,
          "Expected the notebook's server to accept the WebSocket, but it did not ("
              + (e.getCause() == null ? e : e.getCause()).getMessage()
              + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CapstanException(ErrorCode.UNAVAILABLE, "Interrupted while opening a WebSocket");
    }
    relay.upstream = upstream;
    ServerEndpointConfig config =
        ServerEndpointConfig.Builder.create(Relay.Browser.class, "/notebooks/socket")
            .configurator(
                new ServerEndpointConfig.Configurator() {
                  @Override
                  public <T> T getEndpointInstance(Class<T> type) {
                    return type.cast(relay.browser);
                  }
                })
            .build();
    try {
      container.upgradeHttpToWebSocket(request, response, config, Map.of());
    } catch (DeploymentException e) {
      upstream.abort();
      throw new IOException("Cannot upgrade the request to a WebSocket", e);
    }
  }

  /** Sends one frame on the browser's side. */
  private interface Frame {
    void send(jakarta.websocket.RemoteEndpoint.Basic remote) throws IOException;
  }

  /** One relayed connection: the browser's side and the notebook server's side. */
  private final class Relay implements WebSocket.Listener {
    private final String uid;
    private final Browser browser = new Browser();
    private volatile WebSocket upstream;
    private volatile Session session;

    Relay(String uid) {
      this.uid = uid;
    }

    /** Wait for the browser's side before reading the server's first frames. */
    @Override
    public void onOpen(WebSocket webSocket) {}

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      return toBrowser(webSocket, remote -> remote.sendText(data.toString(), last));
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      return toBrowser(webSocket, remote -> remote.sendBinary(data, last));
    }

    /** Sends one frame to the browser, in order, then asks the server for the next. */
    private CompletionStage<?> toBrowser(WebSocket webSocket, Frame frame) {
      try {
        synchronized (this) {
          frame.send(session.getBasicRemote());
        }
      } catch (IOException e) {
        webSocket.abort();
        return null;
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closeBrowser(statusCode, reason);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      log.debug("Notebook WebSocket to the server failed: {}", error.toString());
      closeBrowser(CloseReason.CloseCodes.UNEXPECTED_CONDITION.getCode(), "server side failed");
    }

    private void closeBrowser(int code, String reason) {
      Session open = session;
      if (open == null || !open.isOpen()) {
        return;
      }
      int sendable = code == 1005 || code == 1006 || code == 1015 ? 1000 : code;
      try {
        open.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(sendable), reason));
      } catch (IOException e) {
        log.debug("Cannot close the browser's side of a notebook WebSocket: {}", e.toString());
      }
    }

    /** The browser's side, as the servlet container's WebSocket endpoint. */
    final class Browser extends Endpoint {
      @Override
      public void onOpen(Session opened, EndpointConfig config) {
        session = opened;
        opened.setMaxTextMessageBufferSize(MAX_FRAGMENT);
        opened.setMaxBinaryMessageBufferSize(MAX_FRAGMENT);
        opened.setMaxIdleTimeout(0);
        opened.addMessageHandler(
            String.class,
            (MessageHandler.Partial<String>)
                (data, last) -> {
                  culler.touched(uid);
                  upstream.sendText(data, last).join();
                });
        opened.addMessageHandler(
            ByteBuffer.class,
            (MessageHandler.Partial<ByteBuffer>)
                (data, last) -> {
                  culler.touched(uid);
                  ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
                  upstream.sendBinary(copy, last).join();
                });
        upstream.request(1);
      }

      @Override
      public void onClose(Session closed, CloseReason reason) {
        WebSocket server = upstream;
        if (!server.isOutputClosed()) {
          int code = reason.getCloseCode().getCode();
          int sendable = code == 1005 || code == 1006 || code == 1015 ? 1000 : code;
          server
              .sendClose(sendable, "")
              .exceptionally(
                  e -> {
                    server.abort();
                    return null;
                  });
        }
      }

      @Override
      public void onError(Session failed, Throwable error) {
        log.debug("Notebook WebSocket to the browser failed: {}", error.toString());
        upstream.abort();
      }
    }
  }
}
