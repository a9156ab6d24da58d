package io.capstan.serving.http;

import io.capstan.serving.ErrorKind;
import io.capstan.serving.ModelService;
import io.capstan.serving.NettyListener;
import io.capstan.serving.NettyTransport;
import io.capstan.serving.ServingException;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * The v2 REST protocol on Netty's HTTP/1.1 codec, with no framework in between: requests up to the
 * size limit are aggregated, answered by {@link V2HttpHandler}; inference without batching runs on
 * the event loop that read it.
 */
public final class HttpFrontend implements AutoCloseable {
  private final NettyListener listener;

  /** Binds {@code host:port} (0: a free port) and starts answering. */
  public HttpFrontend(
      ModelService service, NettyTransport transport, String host, int port, int maxRequestBytes)
      throws InterruptedException {
    this.listener =
        new NettyListener(
            transport,
            host,
            port,
            ch ->
                ch.pipeline()
                    .addLast(new HttpServerCodec())
                    .addLast(new HttpGate(service.gate()))
                    .addLast(
                        new BodyLimit(
                            maxRequestBytes,
                            (alloc, limit) ->
                                HttpResponses.error(
                                    alloc,
                                    new ServingException(
                                        ErrorKind.TOO_LARGE,
                                        "the request body is larger than the limit of "
                                            + limit
                                            + " bytes"))))
                    .addLast(new V2HttpHandler(service)));
  }

  public int port() {
    return listener.port();
  }

  /** Closes the listening socket; open connections are still served. */
  public void stopAccepting() {
    listener.stopAccepting();
  }

  @Override
  public void close() {
    listener.close();
  }
}
