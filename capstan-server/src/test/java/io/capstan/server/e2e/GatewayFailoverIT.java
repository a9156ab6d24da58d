package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * SIGKILL the control plane while a client infers at a steady rate through the gateway: the gateway
 * is a process of its own that keeps serving with its last routes and grants, so no request fails,
 * and the restarted control plane adopts the same gateway.
 */
class GatewayFailoverIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String SERVICES = "/api/v1/projects/default/services";
  private static final String BODY =
      "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\","
          + "\"data\":[1,2,3,4]}]}";

  @Test
  void aKilledControlPlaneFailsNoRequestThroughTheGateway() throws Exception {
    Path data = ServerFixture.newDataDir("capstan-gateway-failover-it");
    try (ServerProcess server = new ServerProcess(data)) {
      server.start();
      TestingHttp http = new TestingHttp(server.url());
      String token = ServerFixture.adminToken(data);
      ServerFixture.registerLinearModel(http, token, "default", "lin");
      TestingHttp.Answer created =
          http.post(
              token,
              SERVICES,
              "application/json",
              "{\"name\":\"lin\",\"model\":\"lin:1\","
                  + "\"resources\":{\"cpu\":\"250m\",\"memory\":\"512Mi\"}}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> phase(http, token).equals("Ready"));
      String url =
          JSON.readTree(http.get(token, SERVICES + "/lin").body())
                  .get("status")
                  .get("httpPath")
                  .asString()
              + "/v2/models/lin/infer";
      // Ready in the API can precede the route's arrival at the gateway by a snapshot refresh
      // (500 ms): the test counts failures caused by the kill, so it starts once the gateway
      // routes the service.
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> SteadyClient.once(url, token) == 200);
      long gatewayPid = server.gateway().orElseThrow().pid();
      String readySince = readySince(http, token);

      try (SteadyClient client = new SteadyClient(url, token)) {
        await().atMost(Duration.ofSeconds(30)).until(() -> client.answered() >= 20);
        server.kill();
        int beforeKill = client.answered();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> client.answered() >= beforeKill + 150); // 3 s at 50 per second
        assertThat(server.gateway()).as("the gateway outlives the control plane").isPresent();
        assertThat(client.failures())
            .as("failed while the control plane was down, out of " + client.answered())
            .isEmpty();

        server.start();
        assertThat(server.gateway().orElseThrow().pid())
            .as("the restarted control plane adopts the running gateway")
            .isEqualTo(gatewayPid);
        await()
            .atMost(Duration.ofMinutes(1))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> phase(http, token).equals("Ready"));
        assertThat(readySince(http, token))
            .as(
                "the status the first control plane stored, transition times included (decision 67)")
            .isEqualTo(readySince);
        int afterRestart = client.answered();
        await().atMost(Duration.ofSeconds(30)).until(() -> client.answered() >= afterRestart + 50);
        client.stop();
        assertThat(client.failures()).as("failed out of " + client.answered()).isEmpty();
        assertThat(client.answered()).isGreaterThan(beforeKill + 150);
      }
      assertThat(http.delete(token, SERVICES + "/lin").status()).isEqualTo(204);
    }
  }

  private static String phase(TestingHttp http, String token) {
    JsonNode service = JSON.readTree(http.get(token, SERVICES + "/lin").body());
    return service.get("status").get("phase").asString();
  }

  /** When the service's Ready condition last turned True. */
  private static String readySince(TestingHttp http, String token) {
    JsonNode service = JSON.readTree(http.get(token, SERVICES + "/lin").body());
    for (JsonNode condition : service.get("status").get("conditions")) {
      if (condition.get("type").asString().equals("Ready")) {
        assertThat(condition.get("status").asString()).isEqualTo("True");
        return condition.get("lastTransitionTime").asString();
      }
    }
    throw new AssertionError("no Ready condition in " + service);
  }

  /** One request every 20 ms on one keep-alive connection, each failure kept. */
  private static final class SteadyClient implements AutoCloseable {
    private final HttpClient client =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger answered = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

    SteadyClient(String url, String token) {
      HttpRequest request = request(url, token);
      timer.scheduleAtFixedRate(() -> send(request), 0, 20, TimeUnit.MILLISECONDS);
    }

    private static HttpRequest request(String url, String token) {
      return HttpRequest.newBuilder(URI.create(url))
          .header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/json")
          .timeout(Duration.ofSeconds(10))
          .POST(HttpRequest.BodyPublishers.ofString(BODY))
          .build();
    }

    /** The status of one request on a connection of its own. */
    static int once(String url, String token) throws Exception {
      return HttpClient.newHttpClient()
          .send(request(url, token), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    }

    private void send(HttpRequest request) {
      try {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          answered.incrementAndGet();
        } else {
          failures.add(response.statusCode() + " " + response.body());
        }
      } catch (IOException e) {
        failures.add(e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    int answered() {
      return answered.get();
    }

    List<String> failures() {
      return List.copyOf(failures);
    }

    void stop() {
      timer.shutdown();
      try {
        timer.awaitTermination(15, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      stop();
    }
  }
}
