package io.capstan.server.notebook;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks a notebook's Jupyter whether a kernel is busy ({@code GET <base>api/kernels}, each kernel's
 * {@code execution_state}). Called straight at the server, not through the proxy, so the culler's
 * own polls never count as a user's activity.
 */
final class JupyterKernels {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient http;
  private final Duration timeout;

  JupyterKernels(HttpClient http, Duration timeout) {
    this.http = http;
    this.timeout = timeout;
  }

  /**
   * Whether a kernel of the server at {@code target} is busy now.
   *
   * @throws IOException when the server does not answer as Jupyter does
   */
  boolean anyBusy(NotebookService.Target target, String basePath)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(target.base().resolve(basePath + "api/kernels"))
            .timeout(timeout)
            .header("Authorization", "token " + target.token())
            .GET()
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(
          "Expected 200 from Jupyter's kernel list, but it answered " + response.statusCode());
    }
    JsonNode kernels = JSON.readTree(response.body());
    for (JsonNode kernel : kernels) {
      if ("busy".equals(kernel.path("execution_state").asString())) {
        return true;
      }
    }
    return false;
  }
}
