package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs NVIDIA's {@code nvidia-smi} with a CSV query and returns its output. */
final class NvidiaSmi {
  private static final Logger log = LoggerFactory.getLogger(NvidiaSmi.class);

  private final String executable;

  /**
   * @param executable {@code nvidia-smi} (found on the PATH) or a path to it
   */
  NvidiaSmi(String executable) {
    this.executable = requireNonNull(executable, "executable is null");
  }

  /** The one on the PATH. */
  static NvidiaSmi onPath() {
    return new NvidiaSmi("nvidia-smi");
  }

  /**
   * The output of {@code nvidia-smi --query-<what>=<fields> --format=csv,noheader,nounits}, or
   * empty (and logged) when it is absent, fails or takes over 30 s.
   */
  Optional<String> query(String what, String fields) {
    List<String> command = new ArrayList<>();
    command.add(executable);
    command.add("--query-" + what + "=" + fields);
    command.add("--format=csv,noheader,nounits");
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output;
      try (InputStream in = process.getInputStream()) {
        output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        log.warn("nvidia-smi did not finish within 30 s");
        return Optional.empty();
      }
      if (process.exitValue() != 0) {
        log.info("nvidia-smi exited with {}: {}", process.exitValue(), output.trim());
        return Optional.empty();
      }
      return Optional.of(output);
    } catch (IOException e) {
      log.info("No nvidia-smi here ({})", e.getMessage());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running nvidia-smi", e);
    }
  }
}
