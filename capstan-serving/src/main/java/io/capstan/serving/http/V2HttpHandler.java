package io.capstan.serving.http;

import io.capstan.serving.ErrorKind;
import io.capstan.serving.ModelService;
import io.capstan.serving.ServingException;
import io.capstan.serving.model.InferenceResult;
import io.capstan.serving.model.RawTensors;
import io.capstan.serving.model.ServedModel;
import io.capstan.serving.model.Tensor;
import io.capstan.serving.model.TensorSpec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JsonGenerator;

/**
 * The KServe v2 REST endpoints and {@code GET /metrics}: routes a request, answers health and
 * metadata on the event loop, and writes the inference answer when it is ready.
 */
final class V2HttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final String PROTOCOL = "http";

  /**
   * Triton's binary tensor data extension: the length of the JSON that starts the body, binary
   * tensor data after it.
   */
  static final String INFERENCE_HEADER_LENGTH = "Inference-Header-Content-Length";

  private final ModelService service;

  V2HttpHandler(ModelService service) {
    this.service = service;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    boolean admitted = !Boolean.FALSE.equals(ctx.channel().attr(HttpGate.ADMITTED).get());
    try {
      if (!request.decoderResult().isSuccess()) {
        throw ServingException.badRequest(
            "malformed HTTP request: " + request.decoderResult().cause());
      }
      service.requireSecret(request.headers().get(HttpHeaderNames.AUTHORIZATION));
      route(ctx, request, keepAlive, admitted);
    } catch (ServingException e) {
      send(ctx, HttpResponses.error(ctx.alloc(), e), keepAlive);
    }
  }

  private void route(
      ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive, boolean admitted) {
    String path = new QueryStringDecoder(request.uri()).path();
    if (path.equals("/metrics")) {
      requireMethod(request, HttpMethod.GET);
      ByteBuf body = Unpooled.copiedBuffer(service.metrics().scrape(), StandardCharsets.UTF_8);
      send(
          ctx,
          HttpResponses.response(
              HttpResponseStatus.OK, body, "text/plain; version=0.0.4; charset=utf-8"),
          keepAlive);
      return;
    }
    List<String> parts = segments(path);
    if (parts.isEmpty() || !parts.get(0).equals("v2")) {
      throw notFound(path);
    }
    if (parts.size() == 1) {
      requireMethod(request, HttpMethod.GET);
      send(ctx, json(HttpResponseStatus.OK, this::serverMetadata), keepAlive);
      return;
    }
    if (parts.get(1).equals("health") && parts.size() == 3) {
      requireMethod(request, HttpMethod.GET);
      health(ctx, parts.get(2), keepAlive, path);
      return;
    }
    if (!parts.get(1).equals("models") || parts.size() < 3) {
      throw notFound(path);
    }
    if (parts.size() == 3 && parts.get(2).equals("stats")) {
      requireMethod(request, HttpMethod.GET);
      List<ServedModel> all = service.registry().all();
      send(ctx, json(HttpResponseStatus.OK, g -> TritonExtensions.stats(g, all)), keepAlive);
      return;
    }
    String name = parts.get(2);
    String version = null;
    int next = 3;
    if (parts.size() > 4 && parts.get(3).equals("versions")) {
      version = parts.get(4);
      next = 5;
    }
    String action = parts.size() == next ? "" : parts.get(next);
    if (parts.size() > next + 1) {
      throw notFound(path);
    }
    switch (action) {
      case "" -> {
        requireMethod(request, HttpMethod.GET);
        ServedModel model = service.model(name, version);
        send(ctx, json(HttpResponseStatus.OK, g -> modelMetadata(g, model)), keepAlive);
      }
      case "ready" -> {
        requireMethod(request, HttpMethod.GET);
        boolean ready = service.modelReady(name, version);
        send(
            ctx,
            json(
                ready ? HttpResponseStatus.OK : HttpResponseStatus.BAD_REQUEST,
                g -> {
                  g.writeStartObject();
                  g.writeStringProperty("name", name);
                  g.writeBooleanProperty("ready", ready);
                  g.writeEndObject();
                }),
            keepAlive);
      }
      case "config" -> {
        requireMethod(request, HttpMethod.GET);
        ServedModel model = service.model(name, version);
        send(
            ctx,
            json(
                HttpResponseStatus.OK,
                g -> TritonExtensions.config(g, model, ModelService.PLATFORM)),
            keepAlive);
      }
      case "stats" -> {
        requireMethod(request, HttpMethod.GET);
        List<ServedModel> models =
            version == null
                ? service.registry().all().stream().filter(m -> m.name().equals(name)).toList()
                : List.of(service.model(name, version));
        if (models.isEmpty()) {
          service.model(name, null); // the unknown model's 404
        }
        send(ctx, json(HttpResponseStatus.OK, g -> TritonExtensions.stats(g, models)), keepAlive);
      }
      case "infer" -> {
        requireMethod(request, HttpMethod.POST);
        infer(ctx, request, name, version, keepAlive, admitted);
      }
      default -> throw notFound(path);
    }
  }

  private void health(ChannelHandlerContext ctx, String what, boolean keepAlive, String path) {
    boolean value;
    switch (what) {
      case "live" -> value = service.live();
      case "ready" -> value = service.ready();
      default -> throw notFound(path);
    }
    // v2: 200 means true, a 4xx false.
    send(
        ctx,
        json(
            value ? HttpResponseStatus.OK : HttpResponseStatus.BAD_REQUEST,
            g -> {
              g.writeStartObject();
              g.writeBooleanProperty(what, value);
              g.writeEndObject();
            }),
        keepAlive);
  }

  private void infer(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      String name,
      String version,
      boolean keepAlive,
      boolean admitted) {
    if (!admitted) {
      throw new ServingException(
          ErrorKind.UNAVAILABLE, "the server is draining and takes no new requests");
    }
    ByteBuf content = request.content();
    String header = request.headers().get(INFERENCE_HEADER_LENGTH);
    ParsedInference[] parsed = {null};
    ServedModel[] used = {null};
    var answer =
        service.infer(
            name,
            version,
            PROTOCOL,
            model -> {
              used[0] = model;
              parsed[0] = read(content, header);
              return parsed[0].request();
            });
    ModelService.reply(
        answer,
        ctx.executor(),
        (result, error) -> {
          FullHttpResponse response;
          if (error != null) {
            response = HttpResponses.error(ctx.alloc(), ModelService.error(error));
          } else {
            response = answer(ctx, used[0], parsed[0], result);
          }
          send(ctx, response, keepAlive);
        });
  }

  /**
   * The inference answer: JSON, followed by the raw bytes of the outputs asked for as binary data
   * (with their JSON length in {@code Inference-Header-Content-Length}) when there are any.
   */
  private static FullHttpResponse answer(
      ChannelHandlerContext ctx,
      ServedModel model,
      ParsedInference parsed,
      InferenceResult result) {
    ByteBuf buf = ctx.alloc().buffer(256);
    JsonInference.write(
        (java.io.OutputStream) new ByteBufOutputStream(buf),
        model.name(),
        model.version(),
        parsed.request().id(),
        result,
        parsed::binary);
    int jsonLength = buf.readableBytes();
    boolean binary = false;
    for (Tensor output : result.outputs()) {
      if (parsed.binary(output.name())) {
        buf.writeBytes(RawTensors.encode(output));
        binary = true;
      }
    }
    if (!binary) {
      return HttpResponses.response(HttpResponseStatus.OK, buf, HttpHeaderValues.APPLICATION_JSON);
    }
    FullHttpResponse response =
        HttpResponses.response(
            HttpResponseStatus.OK, buf, HttpHeaderValues.APPLICATION_OCTET_STREAM);
    response.headers().setInt(INFERENCE_HEADER_LENGTH, jsonLength);
    return response;
  }

  /**
   * Parses the body from its backing array, or from a copy of a direct buffer; {@code header} is
   * the request's {@code Inference-Header-Content-Length}, or null.
   */
  private static ParsedInference read(ByteBuf content, String header) {
    int length = content.readableBytes();
    int jsonLength = header == null ? -1 : jsonLength(header, length);
    if (content.hasArray()) {
      return JsonInference.read(
          content.array(), content.arrayOffset() + content.readerIndex(), length, jsonLength);
    }
    byte[] copy = new byte[length];
    content.getBytes(content.readerIndex(), copy);
    return JsonInference.read(copy, 0, length, jsonLength);
  }

  private static int jsonLength(String header, int bodyLength) {
    try {
      int value = Integer.parseInt(header.trim());
      if (value >= 0 && value <= bodyLength) {
        return value;
      }
    } catch (NumberFormatException e) {
      // Said below.
    }
    throw ServingException.badRequest(
        "expected the "
            + INFERENCE_HEADER_LENGTH
            + " header to be a number of bytes from 0 to the body's "
            + bodyLength
            + ", but was '"
            + header
            + "'");
  }

  /** The path's non-empty segments: {@code /v2//models/m/} is {@code [v2, models, m]}. */
  static List<String> segments(String path) {
    List<String> parts = new ArrayList<>(6);
    int start = 0;
    for (int i = 0; i <= path.length(); i++) {
      if (i == path.length() || path.charAt(i) == '/') {
        if (i > start) {
          parts.add(path.substring(start, i));
        }
        start = i + 1;
      }
    }
    return parts;
  }

  private void serverMetadata(JsonGenerator g) {
    g.writeStartObject();
    g.writeStringProperty("name", ModelService.SERVER_NAME);
    g.writeStringProperty("version", ModelService.SERVER_VERSION);
    g.writeArrayPropertyStart("extensions");
    g.writeString("binary_tensor_data");
    g.writeString("model_configuration");
    g.writeString("statistics");
    g.writeEndArray();
    g.writeEndObject();
  }

  private void modelMetadata(JsonGenerator g, ServedModel model) {
    g.writeStartObject();
    g.writeStringProperty("name", model.name());
    g.writeArrayPropertyStart("versions");
    for (long v : service.registry().versions(model.name())) {
      g.writeString(Long.toString(v));
    }
    g.writeEndArray();
    g.writeStringProperty("platform", ModelService.PLATFORM);
    tensors(g, "inputs", model.inputs());
    tensors(g, "outputs", model.outputs());
    g.writeEndObject();
  }

  private static void tensors(JsonGenerator g, String field, List<TensorSpec> specs) {
    g.writeArrayPropertyStart(field);
    for (TensorSpec spec : specs) {
      g.writeStartObject();
      g.writeStringProperty("name", spec.name());
      g.writeStringProperty("datatype", spec.datatype().name());
      long[] shape = spec.shape();
      g.writeName("shape");
      g.writeArray(shape, 0, shape.length);
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private FullHttpResponse json(
      HttpResponseStatus status, java.util.function.Consumer<JsonGenerator> body) {
    return HttpResponses.json(io.netty.buffer.ByteBufAllocator.DEFAULT, status, body);
  }

  private static void requireMethod(FullHttpRequest request, HttpMethod method) {
    if (!request.method().equals(method)) {
      throw new ServingException(
          ErrorKind.METHOD_NOT_ALLOWED,
          "expected " + method + " for " + request.uri() + ", but was " + request.method());
    }
  }

  private static ServingException notFound(String path) {
    return ServingException.notFound("no such path: " + path);
  }

  private static void send(
      ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    HttpGate gate = ctx.pipeline().get(HttpGate.class);
    var future = ctx.writeAndFlush(response);
    future.addListener(f -> gate.answered());
    if (!keepAlive) {
      future.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
