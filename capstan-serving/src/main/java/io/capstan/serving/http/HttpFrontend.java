package io.capstan.serving.http;

import io.capstan.serving.ErrorKind;
import io.capstan.serving.ModelService;
import io.capstan.serving.NettyListener;
import io.capstan.serving.NettyTransport;
import io.capstan.serving.ServingException;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
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
                    .addLast(new SizeLimit(maxRequestBytes))
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

  /** Aggregates a request's body, answering 413 with the v2 error body above the limit. */
  private static final class SizeLimit extends HttpObjectAggregator {
    private final int maxRequestBytes;

    SizeLimit(int maxRequestBytes) {
      super(maxRequestBytes);
      this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      ServingException error =
          new ServingException(
              ErrorKind.TOO_LARGE,
              "the request body is larger than the limit of " + maxRequestBytes + " bytes");
      // The rest of the body is not read, so the connection ends here: say so, or a client that
      // pools connections sends its next request into the closing one.
      FullHttpResponse response = HttpResponses.error(ctx.alloc(), error);
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
