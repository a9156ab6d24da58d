package io.capstan.serving.http;

import io.capstan.serving.ServingException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.function.Consumer;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;

/** Builds the JSON responses of the v2 REST protocol, errors as {@code {"error": "..."}}. */
final class HttpResponses {
  private HttpResponses() {}

  static FullHttpResponse json(
      ByteBufAllocator alloc, HttpResponseStatus status, Consumer<JsonGenerator> body) {
    ByteBuf buf = alloc.buffer(256);
    try (JsonGenerator g =
        JsonInference.JSON.createGenerator(
            ObjectWriteContext.empty(), (java.io.OutputStream) new ByteBufOutputStream(buf))) {
      body.accept(g);
    }
    return response(status, buf, HttpHeaderValues.APPLICATION_JSON);
  }

  static FullHttpResponse error(ByteBufAllocator alloc, ServingException e) {
    return json(
        alloc,
        HttpResponseStatus.valueOf(e.kind().httpStatus()),
        g -> {
          g.writeStartObject();
          g.writeStringProperty("error", e.getMessage());
          g.writeEndObject();
        });
  }

  static FullHttpResponse response(HttpResponseStatus status, ByteBuf body, CharSequence type) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    return response;
  }
}
