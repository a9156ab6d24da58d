package io.capstan.runtime.local;

import io.capstan.runtime.Node;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The host's GPUs: configured by index, or detected with {@code nvidia-smi}. */
final class GpuInventory {
  private static final Logger log = LoggerFactory.getLogger(GpuInventory.class);
  static final String UNSPECIFIED_MODEL = "unspecified";

  private GpuInventory() {}

  /** GPUs with the configured indices; their model is not known. */
  static List<Node.Gpu> configured(List<Integer> indices) {
    return indices.stream().map(index -> new Node.Gpu(index, UNSPECIFIED_MODEL, 0)).toList();
  }

  /** The GPUs {@code nvidia-smi} reports, or none when it is absent or fails. */
  static List<Node.Gpu> detect() {
    List<String> command =
        List.of(
            "nvidia-smi", "--query-gpu=index,name,memory.total", "--format=csv,noheader,nounits");
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output;
      try (InputStream in = process.getInputStream()) {
        output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        log.warn("nvidia-smi did not finish within 30 s; assuming no GPUs");
        return List.of();
      }
      if (process.exitValue() != 0) {
        log.info(
            "nvidia-smi exited with {}; assuming no GPUs: {}", process.exitValue(), output.trim());
        return List.of();
      }
      return parse(output);
    } catch (IOException e) {
      log.info("No nvidia-smi here ({}); assuming no GPUs", e.getMessage());
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running nvidia-smi", e);
    }
  }

  /** Parses lines like {@code 0, NVIDIA H100 80GB HBM3, 81559} (memory in MiB). */
  static List<Node.Gpu> parse(String output) {
    List<Node.Gpu> gpus = new ArrayList<>();
    for (String line : output.lines().map(String::trim).filter(l -> !l.isEmpty()).toList()) {
      String[] fields = line.split(",");
      if (fields.length < 3) {
        throw new IllegalStateException(
            "Expected nvidia-smi lines of 'index, name, memory.total', but found '" + line + "'");
      }
      String memory = fields[fields.length - 1].trim();
      String name = String.join(",", List.of(fields).subList(1, fields.length - 1)).trim();
      long memoryBytes = memory.matches("\\d+") ? Long.parseLong(memory) * 1024 * 1024 : 0;
      gpus.add(new Node.Gpu(Integer.parseInt(fields[0].trim()), name, memoryBytes));
    }
    return List.copyOf(gpus);
  }
}
