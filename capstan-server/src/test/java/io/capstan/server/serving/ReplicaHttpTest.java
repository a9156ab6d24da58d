package io.capstan.server.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway's pooled client against real HTTP servers on loopback, with a test clock. */
class ReplicaHttpTest {
  private final AtomicLong nanos = new AtomicLong();
  private HttpServer first;
  private HttpServer second;

  @BeforeEach
  void setUp() throws IOException {
    first = server("first");
    second = server("second");
  }

  @AfterEach
  void tearDown() {
    first.stop(0);
    second.stop(0);
  }

  @Test
  void keepsConnectionsAliveBetweenRequests() throws IOException {
    ReplicaHttp client = client();

    assertThat(body(client.exchange(uri(first), "GET", "/v2", "", new byte[0]))).isEqualTo("first");
    nanos.addAndGet(Duration.ofSeconds(20).toNanos());
    assertThat(body(client.exchange(uri(first), "GET", "/v2", "", new byte[0]))).isEqualTo("first");

    assertThat(client.idleConnections()).isEqualTo(1);
  }

  @Test
  void closesConnectionsToReplicasNoLongerUsed() throws IOException {
    ReplicaHttp client = client();
    client.exchange(uri(first), "GET", "/v2", "", new byte[0]);
    client.exchange(uri(second), "GET", "/v2", "", new byte[0]);
    assertThat(client.idleConnections()).isEqualTo(2);

    // The first replica is gone from the routes; only the second gets requests from now on.
    nanos.addAndGet(Duration.ofSeconds(20).toNanos());
    client.exchange(uri(second), "GET", "/v2", "", new byte[0]);
    nanos.addAndGet(Duration.ofSeconds(20).toNanos());
    assertThat(client.idleConnections()).as("nothing is swept until a request comes").isEqualTo(2);
    assertThat(body(client.exchange(uri(second), "GET", "/v2", "", new byte[0])))
        .isEqualTo("second");

    assertThat(client.idleConnections()).as("only the second replica's connection").isEqualTo(1);
  }

  private ReplicaHttp client() {
    return new ReplicaHttp(Duration.ofSeconds(2), Duration.ofSeconds(5), nanos::get);
  }

  private static HttpServer server(String answer) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
    return server;
  }

  private static URI uri(HttpServer server) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static String body(ReplicaHttp.Answer answer) {
    return new String(answer.body(), StandardCharsets.UTF_8);
  }
}
