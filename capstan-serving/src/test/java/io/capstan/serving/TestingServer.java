package io.capstan.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.serving.grpc.v2.GRPCInferenceServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** A model server on free loopback ports with an HTTP client and a gRPC stub pointed at it. */
public final class TestingServer implements AutoCloseable {
  private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  private final ModelServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ManagedChannel channel;

  public TestingServer(ServerOptions options) {
    try {
      server = ModelServer.start(options, new PrintStream(logBytes, true, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
  }

  public ModelServer server() {
    return server;
  }

  public String log() {
    return logBytes.toString(StandardCharsets.UTF_8);
  }

  public GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub grpc() {
    return GRPCInferenceServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  public ManagedChannel channel() {
    return channel;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.httpPort() + path);
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET().build());
  }

  public HttpResponse<String> post(String path, String body) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A v2 JSON inference body for the MLP's "input" with these rows of 8 floats. */
  public static String inferBody(String id, float[] flat) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < flat.length; i++) {
      data.append(i == 0 ? "" : ",").append(flat[i]);
    }
    return "{\"id\":\""
        + id
        + "\",\"inputs\":[{\"name\":\"input\",\"shape\":["
        + flat.length / 8
        + ",8],\"datatype\":\"FP32\",\"data\":["
        + data
        + "]}]}";
  }

  /**
   * The MLP's "input" rows as tritonclient sends them by default: the JSON header, the raw
   * little-endian floats after it, and the output "output" asked for as binary data. Send with
   * {@code Inference-Header-Content-Length: jsonLength}.
   */
  public record BinaryBody(byte[] body, int jsonLength) {
    public static BinaryBody of(float[] flat) {
      ByteBuffer raw = ByteBuffer.allocate(flat.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float value : flat) {
        raw.putFloat(value);
      }
      byte[] header =
          ("{\"inputs\":[{\"name\":\"input\",\"shape\":["
                  + flat.length / 8
                  + ",8],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":"
                  + flat.length * 4
                  + "}}],\"outputs\":[{\"name\":\"output\",\"parameters\":{\"binary_data\":true}}]}")
              .getBytes(StandardCharsets.UTF_8);
      byte[] body = new byte[header.length + raw.capacity()];
      System.arraycopy(header, 0, body, 0, header.length);
      System.arraycopy(raw.array(), 0, body, header.length, raw.capacity());
      return new BinaryBody(body, header.length);
    }

    /** The MLP's output floats of a binary answer, after checking its JSON says where they are. */
    public static float[] output(HttpResponse<byte[]> response) {
      int json =
          Integer.parseInt(
              response.headers().firstValue("inference-header-content-length").orElseThrow());
      String header = new String(response.body(), 0, json, StandardCharsets.UTF_8);
      int size = response.body().length - json;
      assertThat(header).contains("\"binary_data_size\":" + size).doesNotContain("\"data\"");
      ByteBuffer values =
          ByteBuffer.wrap(response.body(), json, size).slice().order(ByteOrder.LITTLE_ENDIAN);
      float[] out = new float[size / 4];
      values.asFloatBuffer().get(out);
      return out;
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.close();
  }
}
