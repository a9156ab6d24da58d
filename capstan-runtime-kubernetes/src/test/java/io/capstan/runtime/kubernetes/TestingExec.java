package io.capstan.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One {@code pods/exec} of the {@link TestingKubelet}: runs the command as a local process once the
 * pod runs, and sends its output over the WebSocket as the API server does (each frame's first byte
 * the channel: 1 stdout, 2 stderr, 3 the status with the exit code), then closes it.
 */
final class TestingExec extends WebSocketListener {
  private final List<String> command;
  private final BooleanSupplier podRuns;
  private final ExecutorService threads;

  /**
   * @param podRuns whether the pod runs, as the kubelet's cache shows it (which may lag the API a
   *     little behind what the caller saw)
   */
  TestingExec(List<String> command, BooleanSupplier podRuns, ExecutorService threads) {
    this.command = List.copyOf(command);
    this.podRuns = podRuns;
    this.threads = threads;
  }

  /** What an exec asks: the container, and the command's words. */
  record Call(Container container, List<String> words) {}

  /** The call of an exec's query, {@code command=...&command=...&container=...}. */
  static Call call(Pod pod, String query) {
    List<String> words = new ArrayList<>();
    String containerName = null;
    for (String pair : query.replaceFirst("^\\?", "").split("&")) {
      int equals = pair.indexOf('=');
      String key = equals < 0 ? pair : pair.substring(0, equals);
      String value =
          equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      if (key.equals("command")) {
        words.add(value);
      } else if (key.equals("container")) {
        containerName = value;
      }
    }
    String wanted = containerName;
    Container container =
        pod.getSpec().getContainers().stream()
            .filter(c -> wanted == null || c.getName().equals(wanted))
            .findFirst()
            .orElseThrow();
    return new Call(container, words);
  }

  @Override
  public void onOpen(WebSocket socket, Response response) {
    threads.submit(() -> run(socket));
  }

  private boolean running() {
    try {
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(20))
          .until(podRuns::getAsBoolean);
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
    }
  }

  private void run(WebSocket socket) {
    try {
      if (!running()) {
        send(socket, 2, "the pod is not running".getBytes(StandardCharsets.UTF_8));
        send(socket, 3, status(126).getBytes(StandardCharsets.UTF_8));
        return;
      }
      Process process = new ProcessBuilder(command).start();
      process.getOutputStream().close();
      Future<byte[]> errors = threads.submit(() -> process.getErrorStream().readAllBytes());
      byte[] buffer = new byte[8192];
      InputStream out = process.getInputStream();
      for (int read = out.read(buffer); read >= 0; read = out.read(buffer)) {
        send(socket, 1, Arrays.copyOf(buffer, read));
      }
      byte[] err = errors.get();
      int code = process.waitFor();
      if (err.length > 0) {
        send(socket, 2, err);
      }
      send(socket, 3, status(code).getBytes(StandardCharsets.UTF_8));
    } catch (Exception e) {
      send(socket, 3, status(126).getBytes(StandardCharsets.UTF_8));
    } finally {
      socket.close(1000, "");
    }
  }

  private static void send(WebSocket socket, int channel, byte[] data) {
    byte[] frame = new byte[data.length + 1];
    frame[0] = (byte) channel;
    System.arraycopy(data, 0, frame, 1, data.length);
    socket.send(frame);
  }

  private static String status(int code) {
    return code == 0
        ? "{\"metadata\":{},\"status\":\"Success\"}"
        : "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with"
            + " non-zero exit code\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":"
            + "[{\"reason\":\"ExitCode\",\"message\":\""
            + code
            + "\"}]}}";
  }
}
