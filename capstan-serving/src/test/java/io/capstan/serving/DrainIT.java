package io.capstan.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capstan.serving.grpc.v2.ServerLiveRequest;
import io.capstan.serving.model.ModelSpec;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Graceful drain: a request in flight when the server closes still gets its answer, new ones are
 * refused (closed port, 503 on an open connection, UNAVAILABLE over gRPC), readiness turns false.
 */
class DrainIT {
  @Test
  void aRequestInFlightIsAnsweredWhileNewOnesAreRefused() throws Exception {
    TestingServer server =
        new TestingServer(ServerOptions.of(List.of(new ModelSpec("mlp", 1, TestingModels.mlp()))));
    int port = server.server().httpPort();
    String body = TestingServer.inferBody("late", TestingModels.reference().flatInput());
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (RawHttpConnection inFlight = new RawHttpConnection(port);
        RawHttpConnection idle = new RawHttpConnection(port)) {
      idle.get("/v2/health/live"); // an open keep-alive connection, idle when the drain starts
      assertThat(idle.read().status()).isEqualTo(200);
      inFlight.startPost("/v2/models/mlp/infer", bytes.length);
      inFlight.write(body.substring(0, 20)); // half a request: in flight
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> server.server().service().gate().inFlight() == 1);

      CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
      await().atMost(Duration.ofSeconds(10)).until(() -> !server.server().service().ready());

      assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
          .isInstanceOf(ConnectException.class);
      idle.get("/v2/health/ready");
      RawHttpConnection.Response ready = idle.read();
      assertThat(ready.status()).isEqualTo(400);
      assertThat(ready.body()).contains("\"ready\":false");
      idle.startPost("/v2/models/mlp/infer", bytes.length);
      idle.write(body);
      RawHttpConnection.Response refused = idle.read();
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.body()).contains("\"error\"").contains("draining");
      assertThatThrownBy(() -> server.grpc().serverLive(ServerLiveRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
      assertThat(closing).isNotDone(); // still waiting for the request in flight

      inFlight.write(body.substring(20));
      RawHttpConnection.Response answer = inFlight.read();
      assertThat(answer.status()).as(answer.body()).isEqualTo(200);
      assertThat(answer.body()).contains("\"id\":\"late\"").contains("\"outputs\"");
      closing.get(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      server.close();
      throw e;
    }
  }

  @Test
  void theDrainTimeoutBoundsTheWait() throws Exception {
    TestingServer server =
        new TestingServer(
            ServerOptions.of(List.of(new ModelSpec("mlp", 1, TestingModels.mlp())))
                .withDrainTimeout(Duration.ofMillis(500)));
    try (RawHttpConnection stuck = new RawHttpConnection(server.server().httpPort())) {
      stuck.startPost("/v2/models/mlp/infer", 1000);
      stuck.write("{");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> server.server().service().gate().inFlight() == 1);
      long start = System.nanoTime();
      server.close();
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofMillis(450))
          .isLessThan(Duration.ofSeconds(10));
      assertThat(server.log()).contains("drain timeout");
    }
  }
}
